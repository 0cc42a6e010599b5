/**
 * Content off is content off, and credentials never leave the process — checked end to end: a child process runs
 * the runtime's OpenAIBackend against a loopback model server and exports to a real OTLP receiver; every exported
 * span (attributes, events, status), every line the child printed and every warning is searched for unique
 * canaries. A content-on control run finds them, so the search is not vacuous.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { sendJson, sendSse, startWireServer, type WireServer } from '../backends/wire-server';
import { FIXTURES, runChild, telemetryWarnings } from './support/child';
import { closedPort, Receiver } from './support/receiver';

jest.setTimeout(60_000);

const CANARIES = ['PROMPT', 'SYSTEM', 'VAR', 'TEMPLATE', 'OUTPUT', 'SERVER'] as const;

let receiver: Receiver;
let model: WireServer;

/** What the user messages of a chat request say, joined (the server "echoes the request" with it). */
function requestText(body: { messages?: { content?: unknown }[] }): string {
  return (body.messages ?? []).map((message) => String(message.content)).join(' | ');
}

beforeAll(async () => {
  receiver = await Receiver.start(['grpc']);
  model = await startWireServer((request, res) => {
    // A server that echoes the request, auth header included (the credentials case).
    const text = `${requestText(request.body)} authorization: ${request.headers.authorization}`;
    const canary = /([a-z0-9]{12})PROMPT/.exec(text)?.[1] ?? 'none';
    const server = `${canary}SERVER${canary}`;
    const output = `${canary}OUTPUT${canary}`;
    if (text.includes('case:echo400')) sendJson(res, 400, { error: { message: `${server} bad request: ${text}` } });
    else if (text.includes('case:echo500')) sendJson(res, 500, { error: { message: `${server} failed on: ${text}` } });
    else if (text.includes('case:malformed')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"oops": "${server} ${text}`);
    } else if (text.includes('case:stream')) {
      sendSse(res, [{ error: { message: `${server} stream failed on: ${text}` } }], false);
    } else {
      const content = text.includes('case:format') ? `not json ${output}` : `answer ${output}`;
      sendJson(res, 200, {
        id: 'chatcmpl-1',
        model: 'canary-model',
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
      });
    }
  });
});
afterAll(async () => {
  await model.close();
  await receiver.close();
});

async function runCanaries(content: boolean) {
  const canary = randomBytes(6).toString('hex');
  const serviceName = `privacy-${canary}`;
  const result = await runChild(join(FIXTURES, 'content-canaries.ts'), {
    env: {
      MELLEA_TRACE_APPLICATION: 'true',
      MELLEA_TRACE_BACKEND: 'true',
      MELLEA_TRACE_CONTENT: String(content),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint,
      OTEL_SERVICE_NAME: serviceName,
      MODEL_URL: model.url,
      CANARY: canary,
    },
  });
  // 7 cases; every one ends its session_context span.
  const spans = await receiver.waitForSpans(
    serviceName,
    (received) => received.filter((span) => span.name === 'session_context').length >= 7,
  );
  const exported = JSON.stringify(spans.map((span) => ({ raw: span.raw, attributes: span.attributes })));
  const found = (what: string) => ({
    exported: exported.includes(`${canary}${what}`),
    printed: `${result.stdout}\n${result.stderr}`.includes(`${canary}${what}`),
  });
  return { result, spans, found, canary };
}

describe('MELLEA_TRACE_CONTENT=false', () => {
  it('no prompt, system prompt, template, variable, output or server text in any span, event, status or line', async () => {
    const { result, spans, found } = await runCanaries(false);
    expect(result.code).toBe(0);
    for (const what of CANARIES) expect({ what, ...found(what) }).toEqual({ what, exported: false, printed: false });
    // The errors keep their type and a content-free message; the app's errors are unchanged.
    expect(result.stdout).toContain('case echo500 BackendHttpError carries-text=true');
    expect(result.stdout).toContain('case echo400 BackendHttpError carries-text=true');
    expect(result.stdout).toContain('case malformed BackendResponseError carries-text=true');
    expect(result.stdout).toContain('case stream BackendResponseError carries-text=true');
    expect(result.stdout).toContain('case format FormatError carries-text=true');
    expect(result.stdout).toContain('case template TemplateError carries-text=true');
    const chats = spans.filter((span) => span.name === 'chat' && span.status === 'STATUS_CODE_ERROR');
    const statuses = chats.map((span) => (span.raw as { status?: { message?: string } }).status?.message);
    expect(statuses).toEqual(
      expect.arrayContaining([
        `${model.url}/v1/chat/completions answered HTTP 500`,
        `${model.url}/v1/chat/completions answered HTTP 400`,
        `${model.url}/v1/chat/completions sent a malformed response body`,
        `${model.url}/v1/chat/completions reported an error in the stream`,
      ]),
    );
    for (const span of chats) expect(span.attributes['error.type']).toMatch(/^Backend\w+Error$/);
  });

  it('the exception is recorded once, where it happened; ancestors get ERROR, error.type and a pointer', async () => {
    const { spans } = await runCanaries(false);
    const failedChat = spans.find(
      (span) =>
        span.name === 'chat' &&
        (span.raw as { status?: { message?: string } }).status?.message?.endsWith('answered HTTP 500'),
    )!;
    const events = (span: (typeof spans)[number]) =>
      ((span.raw as { events?: { name: string }[] }).events ?? []).filter((event) => event.name === 'exception');
    expect(events(failedChat)).toHaveLength(1);
    const act = spans.find((span) => span.spanId === failedChat.parentSpanId)!;
    const root = spans.find((span) => span.spanId === act.parentSpanId)!;
    for (const ancestor of [act, root]) {
      expect(ancestor.status).toBe('STATUS_CODE_ERROR');
      expect(ancestor.attributes['error.type']).toBe('BackendHttpError');
      expect(events(ancestor)).toHaveLength(0);
      expect((ancestor.raw as { status?: { message?: string } }).status?.message).toBe(
        `BackendHttpError raised in span ${failedChat.spanId}`,
      );
    }
  });
});

describe('content-on control', () => {
  it('the same run with MELLEA_TRACE_CONTENT=true finds every canary somewhere, status messages bounded', async () => {
    const { result, spans, found } = await runCanaries(true);
    expect(result.code).toBe(0);
    for (const what of CANARIES) {
      const where = found(what);
      expect({ what, anywhere: where.exported || where.printed }).toEqual({ what, anywhere: true });
    }
    expect(found('SERVER').exported).toBe(true);
    for (const span of spans) {
      const message = (span.raw as { status?: { message?: string } }).status?.message ?? '';
      expect([...message].length).toBeLessThanOrEqual(500);
    }
  });
});

describe('credentials', () => {
  it('a password in a backend baseURL and in the OTLP endpoint appears nowhere: spans, errors, warnings', async () => {
    const password = `pw${randomBytes(6).toString('hex')}`;
    const otlpPassword = `otlp${randomBytes(6).toString('hex')}`;
    const serviceName = `credentials-${randomBytes(4).toString('hex')}`;
    const downOtlp = `http://collector:${otlpPassword}@127.0.0.1:${await closedPort()}`;
    const upOtlp = receiver.grpcEndpoint.replace('http://', `http://collector:${otlpPassword}@`);
    const results = [];
    for (const endpoint of [upOtlp, downOtlp]) {
      results.push(
        await runChild(join(FIXTURES, 'credentials.ts'), {
          env: {
            MELLEA_TRACE_APPLICATION: 'true',
            MELLEA_TRACE_BACKEND: 'true',
            OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
            OTEL_SERVICE_NAME: serviceName,
            MODEL_URL: model.url.replace('http://', `http://user:${password}@`),
            DOWN_URL: `http://user:${password}@127.0.0.1:${await closedPort()}`,
          },
        }),
      );
    }
    const spans = await receiver.waitForSpans(serviceName, (received) => received.length >= 2);
    const everything = JSON.stringify(spans.map((span) => span.raw)) + JSON.stringify(results);
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(otlpPassword);
    // The errors did reach the app and the spans (without the password), and the down collector was reported.
    expect(results[0]!.stdout).toContain('BackendHttpError');
    expect(results[0]!.stdout).toContain('BackendConnectionError');
    expect(spans.some((span) => span.attributes['error.type'] === 'BackendConnectionError')).toBe(true);
    const warnings = telemetryWarnings(results[1]!.stderr);
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.join('\n')).toMatch(/http:\/\/127\.0\.0\.1:\d+/);
    // The model server got the credentials as a Basic header (fetch refuses URLs with credentials).
    const auth = model.requests.map((request) => request.headers.authorization);
    expect(auth).toContain(`Basic ${Buffer.from(`user:${password}`).toString('base64')}`);
  });
});
