import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { injectTraceContext, traceBackend, traceMethods } from 'mellea-telemetry';
import {
  type Action,
  type GenerationContext,
  Message,
  type ModelOutput,
  renderMessages,
  SimpleContext,
} from 'mellea-telemetry/runtime';
import { createTestTracing } from 'mellea-telemetry/testing';

/** What the (made-up) in-house model gateway answers. */
interface GatewayAnswer {
  output: string;
  served_by: string;
  request_id: string;
  stop: string;
  tokens: { in: number; out: number };
  cached: boolean;
}

/** A backend for that gateway, traced as `chat` spans. */
class GatewayBackend {
  constructor(
    readonly modelId: string, // read by convention: gen_ai.request.model
    private readonly url: string,
  ) {}

  async generateFromContext(action: Action, ctx: GenerationContext): Promise<ModelOutput & { cached: boolean }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    injectTraceContext(headers); // runs inside the chat span: the gateway receives it as the parent
    const response = await fetch(`${this.url}/generate`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: this.modelId, messages: renderMessages(action, ctx) }),
    });
    if (!response.ok) throw new GatewayError(`gateway answered HTTP ${response.status}`);
    const body = (await response.json()) as GatewayAnswer;
    // Answer in the field names the backend span conventions read.
    return {
      value: body.output,
      usage: {
        inputTokens: body.tokens.in,
        outputTokens: body.tokens.out,
        totalTokens: body.tokens.in + body.tokens.out,
      },
      model: body.served_by, // gen_ai.response.model
      id: body.request_id, // gen_ai.response.id
      finishReasons: [body.stop], // gen_ai.response.finish_reasons
      cached: body.cached,
    };
  }
}

class GatewayError extends Error {}

// Decorate without decorator syntax (works from plain JavaScript too). The class name maps to no known system,
// so the method declares it; resultAttributes adds a gateway-specific attribute from the answer.
traceMethods(GatewayBackend, {
  generateFromContext: traceBackend('chat', {
    system: 'acme-gateway',
    resultAttributes: (result) => ({ 'acme.cache_hit': result.cached }),
  }),
});

describe('a hand-written HTTP backend', () => {
  const tracing = createTestTracing();
  // A stand-in for the gateway on loopback: answers `reply`, keeps each request's headers.
  let reply: [status: number, body: unknown];
  const received: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    received.push(req.headers);
    req.resume().on('end', () => {
      res.writeHead(reply[0], { 'content-type': 'application/json' }).end(JSON.stringify(reply[1]));
    });
  });
  const gateway = { url: '' };
  beforeAll(async () => {
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    gateway.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    received.length = 0;
    const answer = { output: 'Bonjour', served_by: 'acme-7b-v2', request_id: 'req-42', stop: 'stop', cached: true };
    reply = [200, { ...answer, tokens: { in: 9, out: 2 } }];
  });
  afterEach(() => tracing.reset());
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
    await tracing.shutdown();
  });

  it('gets a chat span with the gen_ai conventions, and the gateway joins the trace', async () => {
    const backend = new GatewayBackend('acme-7b', gateway.url);
    const answer = await backend.generateFromContext(new Message('user', 'Say hello in French'), new SimpleContext());

    expect(answer.value).toBe('Bonjour');
    const chat = tracing.span('chat');
    expect(chat.attributes).toMatchObject({
      'gen_ai.system': 'acme-gateway',
      'gen_ai.request.model': 'acme-7b',
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': 9,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.usage.total_tokens': 11,
      'gen_ai.response.model': 'acme-7b-v2',
      'gen_ai.response.id': 'req-42',
      'gen_ai.response.finish_reasons': ['stop'],
      'mellea.backend': 'GatewayBackend',
      'mellea.action_type': 'Message',
      'mellea.context_size': 0,
      'acme.cache_hit': true,
    });
    const { traceId, spanId } = chat.spanContext();
    expect(received[0]!['traceparent']).toBe(`00-${traceId}-${spanId}-01`); // W3C: version-trace-parent-flags
  });

  it('a failure ends the span with ERROR and error.type = the error class', async () => {
    reply = [503, { error: 'overloaded' }];
    await expect(
      new GatewayBackend('acme-7b', gateway.url).generateFromContext(new Message('user', 'hi'), new SimpleContext()),
    ).rejects.toThrow('gateway answered HTTP 503');
    expect(tracing.span('chat').attributes['error.type']).toBe('GatewayError');
  });
});
