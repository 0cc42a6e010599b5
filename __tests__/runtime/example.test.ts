// Runs docs/examples/telemetry/telemetry_example.ts as `npm run example` does (tsx, child process) and reads the
// printed span tree back into nodes, so the assertions are about the tree's structure and attribute values.
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { hintsFor, judge, valueForSchema } from '../../runtime/backends/scripted-rules';

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const example = 'docs/examples/telemetry/telemetry_example.ts';

interface PrintedNode {
  name: string;
  scope: string;
  attributes: Record<string, string>;
  children: PrintedNode[];
}

/** The environment of a fresh shell: none of the variables the example reads. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(MELLEA_|OTEL_|OPENAI_)/.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

async function runExample(
  extra: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, [example], {
      cwd: root,
      env: cleanEnv(extra),
      timeout: 30_000,
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

/** Parses formatSpanTree output: `├── name   (scope)` lines (4 columns per level), then `[key=value]` lines. */
function parseTree(text: string): PrintedNode[] {
  const roots: PrintedNode[] = [];
  const stack: PrintedNode[] = [];
  for (const line of text.split('\n')) {
    // the scope may be followed by the duration and status (`  12.3 ms  ERROR: ...`)
    const span = /^((?:[│ ] {3})*)(?:[├└]── )?(\w+)\s+\((mellea\.\w+)\)(?: {2}.*)?$/.exec(line);
    if (span) {
      const depth = span[1]!.length / 4 + (line.includes('── ') ? 1 : 0);
      const node: PrintedNode = { name: span[2]!, scope: span[3]!, attributes: {}, children: [] };
      stack.length = depth;
      (depth === 0 ? roots : stack[depth - 1]!.children).push(node);
      stack.push(node);
      continue;
    }
    const attribute = /\[([^=\]]+)=(.*)\]$/.exec(line);
    if (attribute && stack.length > 0) stack[stack.length - 1]!.attributes[attribute[1]!] = attribute[2]!;
  }
  return roots;
}

function treeOf(stdout: string): PrintedNode[] {
  const start = stdout.indexOf('Span tree:\n');
  expect(start).toBeGreaterThanOrEqual(0);
  return parseTree(stdout.slice(start + 'Span tree:\n'.length));
}

describe('npm run example', () => {
  it('prints the status and the span tree session_context → aact → chat + requirement_validation', async () => {
    const { stdout, code } = await runExample();
    expect(code).toBe(0);
    expect(stdout).toContain('Application tracing: true');
    expect(stdout).toContain('Backend tracing:     true');

    const roots = treeOf(stdout);
    expect(roots.map((node) => node.name)).toEqual(['session_context']);
    const session = roots[0]!;
    expect(session.scope).toBe('mellea.application');
    const acts = session.children;
    expect(acts.map((node) => node.name)).toEqual(['aact', 'aact', 'aact', 'aact', 'aact']);
    expect(acts.map((node) => node.attributes['mellea.action_type'])).toEqual([
      'Instruction',
      'GenerativeSlot',
      'GenerativeSlot',
      'Message',
      'Message',
    ]);
    expect(acts.map((node) => node.attributes['mellea.context_size'])).toEqual(['0', '2', '4', '6', '8']);

    // instruct: a failed first attempt, a retry that passes; two requirements checked per attempt
    const instruct = acts[0]!;
    expect(instruct.attributes).toMatchObject({
      sampling_success: 'true',
      num_generate_logs: '2',
      'mellea.backend': 'ScriptedBackend',
    });
    expect(instruct.children.filter((node) => node.name === 'chat')).toHaveLength(2);
    const validations = instruct.children.filter((node) => node.name === 'requirement_validation');
    expect(validations).toHaveLength(4);
    const judged = validations.filter((node) => node.children.length > 0);
    expect(judged).toHaveLength(2);
    for (const node of judged)
      expect(node.children.map((child) => [child.name, child.scope])).toEqual([['chat', 'mellea.backend']]);

    // every chat span carries the Gen-AI attributes with token usage
    const chats = [...acts.flatMap((act) => act.children), ...judged.flatMap((node) => node.children)].filter(
      (node) => node.name === 'chat',
    );
    expect(chats).toHaveLength(8);
    for (const chat of chats) {
      expect(chat.attributes['gen_ai.system']).toBe('scripted');
      expect(chat.attributes['gen_ai.request.model']).toBe('scripted-1');
      expect(Number(chat.attributes['gen_ai.usage.input_tokens'])).toBeGreaterThan(0);
      expect(Number(chat.attributes['gen_ai.usage.output_tokens'])).toBeGreaterThan(0);
    }
    // the chat context grows, so later prompts are longer
    const lastChat = acts[4]!.children[0]!;
    expect(Number(lastChat.attributes['gen_ai.usage.input_tokens'])).toBeGreaterThan(
      Number(acts[3]!.children[0]!.attributes['gen_ai.usage.input_tokens']),
    );

    expect(stdout).toContain('classifySentiment: {"label":"positive","confidence":0.9}');
    expect(stdout).toContain('{"name":"Grace Hopper","type":"person"}');
  }, 60_000);

  it('adds the OpenTelemetry console output with MELLEA_TRACE_CONSOLE=true', async () => {
    const { stdout, code } = await runExample({ MELLEA_TRACE_CONSOLE: 'true' });
    expect(code).toBe(0);
    const names = [...stdout.matchAll(/\n {2}name: '([^']+)'/g)].map((match) => match[1]);
    expect(names.filter((name) => name === 'aact')).toHaveLength(5);
    expect(names.filter((name) => name === 'chat')).toHaveLength(8);
    expect(names.filter((name) => name === 'requirement_validation')).toHaveLength(4);
    expect(names.filter((name) => name === 'session_context')).toHaveLength(1);
    expect(stdout).toContain("'gen_ai.usage.input_tokens'");
    expect(treeOf(stdout)[0]!.name).toBe('session_context');
  }, 60_000);

  it('respects a scope switched off in the environment', async () => {
    const { stdout, code } = await runExample({ MELLEA_TRACE_APPLICATION: 'false' });
    expect(code).toBe(0);
    expect(stdout).toContain('Application tracing: false');
    expect(stdout).toContain('Backend tracing:     true');
    const roots = treeOf(stdout);
    expect(new Set(roots.map((node) => node.name))).toEqual(new Set(['chat']));
    expect(roots).toHaveLength(8);
  }, 60_000);

  it('rejects an unknown MELLEA_BACKEND with a clear message and exit code 1', async () => {
    const { stderr, code } = await runExample({ MELLEA_BACKEND: 'gpt5-direct' });
    expect(code).toBe(1);
    expect(stderr).toContain('MELLEA_BACKEND="gpt5-direct" is not supported: use scripted (default), openai or ollama');
  }, 60_000);
});

interface WireMessage {
  role: string;
  content: string;
}

/** A model stand-in for the wire tests: judge questions, JSON-schema requests and plain prompts, by the scripted rules. */
function answerFor(messages: WireMessage[], schema: Record<string, unknown> | undefined): string {
  const last = messages.at(-1)?.content ?? '';
  const requirement = /\nRequirement: (.*)$/s.exec(last);
  if (requirement) {
    const output = [...messages].reverse().find((message) => message.role === 'assistant')?.content ?? '';
    return judge(requirement[1]!, output);
  }
  if (schema !== undefined) {
    const args = /Arguments:\n([\s\S]*?)\nAnswer/.exec(last)?.[1] ?? last;
    return JSON.stringify(valueForSchema(schema, hintsFor(args)));
  }
  return last.includes('announcement') ? 'Mellea now supports tracing.' : 'Hello from the loopback server.';
}

/** A loopback server speaking OpenAI Chat Completions (`/v1/chat/completions`) and Ollama (`/api/chat`). */
async function startModelServer(): Promise<{ url: string; headers: IncomingHttpHeaders[]; server: Server }> {
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      headers.push(req.headers);
      const body = JSON.parse(text) as Record<string, any>;
      const messages = body['messages'] as WireMessage[];
      const promptTokens = messages.reduce((sum, message) => sum + message.content.length, 0);
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/chat/completions') {
        const content = answerFor(messages, body['response_format']?.json_schema?.schema);
        res.end(
          JSON.stringify({
            id: `chatcmpl-${headers.length}`,
            object: 'chat.completion',
            created: 1_700_000_000,
            model: `${body['model']}-2025`,
            choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
            usage: {
              prompt_tokens: promptTokens,
              completion_tokens: content.length,
              total_tokens: promptTokens + content.length,
            },
          }),
        );
      } else if (req.url === '/api/chat') {
        const content = answerFor(messages, body['format']);
        res.end(
          JSON.stringify({
            model: body['model'],
            created_at: '2026-11-28T03:00:00.000Z',
            message: { role: 'assistant', content },
            done: true,
            done_reason: 'stop',
            prompt_eval_count: promptTokens,
            eval_count: content.length,
          }),
        );
      } else {
        res.statusCode = 404;
        res.end('{"error":"not found"}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, headers, server };
}

describe.each([
  ['openai', '/v1', 'openai', 'OpenAIBackend'],
  ['ollama', '', 'ollama', 'OllamaModelBackend'],
])('npm run example with MELLEA_BACKEND=%s against a loopback server', (backend, prefix, system, className) => {
  let model: Awaited<ReturnType<typeof startModelServer>>;
  beforeAll(async () => {
    model = await startModelServer();
  });
  afterAll(() => new Promise<void>((resolve) => model.server.close(() => resolve())));

  it('runs the same session through the real backend class and prints its spans', async () => {
    const { stdout, stderr, code } = await runExample({
      MELLEA_BACKEND: backend,
      MELLEA_BASE_URL: `${model.url}${prefix}`,
      MELLEA_MODEL: 'gpt-4o-mini',
      OPENAI_API_KEY: 'sk-example-test-key',
      MELLEA_TRACE_CONSOLE: 'true',
    });
    expect({ code, stderr, stdout: code === 0 ? '' : stdout }).toEqual({ code: 0, stderr: '', stdout: '' });
    const acts = treeOf(stdout)[0]!.children;
    expect(acts.map((node) => node.attributes['mellea.action_type'])).toEqual([
      'Instruction',
      'GenerativeSlot',
      'GenerativeSlot',
      'Message',
      'Message',
    ]);
    const chats = acts.flatMap((act) => act.children).filter((node) => node.name === 'chat');
    expect(chats.length).toBeGreaterThanOrEqual(5);
    for (const chat of chats) {
      expect(chat.attributes['gen_ai.system']).toBe(system);
      expect(chat.attributes['gen_ai.request.model']).toBe('gpt-4o-mini');
      expect(Number(chat.attributes['gen_ai.usage.input_tokens'])).toBeGreaterThan(0);
    }
    expect(stdout).toContain('classifySentiment: {"label":"positive","confidence":0.9}');
    expect(model.headers).toHaveLength(6); // instruct, its judge, two @generative, two chat turns
    for (const headers of model.headers) expect(headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(stdout).toContain(`Backend:             ${className} (gpt-4o-mini)`);
    expect(stdout).toContain(`'gen_ai.system': '${system}'`);
    expect(stdout).not.toContain('sk-example-test-key');
  }, 60_000);
});

it('npm run example with an unreachable server: exit 1, the typed error, and the failed spans in the tree', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));

  const { stdout, stderr, code } = await runExample({
    MELLEA_BACKEND: 'ollama',
    MELLEA_BASE_URL: `http://127.0.0.1:${port}`,
  });
  expect(code).toBe(1);
  expect(stderr).toContain(
    `The session failed: BackendConnectionError: could not reach http://127.0.0.1:${port}/api/chat`,
  );
  const [session] = treeOf(stdout);
  const act = session!.children[0]!;
  const chat = act.children[0]!;
  expect([session!.name, act.name, chat.name]).toEqual(['session_context', 'aact', 'chat']);
  for (const node of [session!, act, chat]) expect(node.attributes['error.type']).toBe('BackendConnectionError');
}, 60_000);
