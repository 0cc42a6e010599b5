/**
 * docs/tracing.md "Recording prompts and responses", run as a program against a real OTLP receiver: the chat
 * span arrives with its messages in the Gen-AI shape, the built-in and the user's redaction applied; and with
 * MELLEA_TRACE_CONTENT=false the same program exports no message at all.
 */
import { join } from 'node:path';
import { parsedMessages } from '../support/genai-schema';
import { runChild } from './support/child';
import { only, Receiver } from './support/receiver';

jest.setTimeout(60_000);

let receiver: Receiver;
beforeAll(async () => (receiver = await Receiver.start(['grpc'])));
afterAll(() => receiver.close());

const SCRIPT = join(__dirname, 'docs', 'record-messages.ts');

it('record-messages.ts exports the messages, redacted', async () => {
  const result = await runChild(SCRIPT, {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint, OTEL_SERVICE_NAME: 'docs-messages' },
  });
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const chat = only(await receiver.waitForCount('docs-messages', 1), 'chat');
  const input = parsedMessages(chat.attributes['gen_ai.input.messages'], 'input');
  expect(input).toEqual([
    {
      role: 'user',
      parts: [{ type: 'text', content: 'Move 100 EUR from ACC-******** and confirm to [REDACTED:email]' }],
    },
  ]);
  const output = parsedMessages(chat.attributes['gen_ai.output.messages'], 'output');
  expect(output).toHaveLength(1);
  expect(output[0].parts[0].type).toBe('text');
  const everything = JSON.stringify(chat.attributes);
  expect(everything).not.toContain('ACC-12345678');
  expect(everything).not.toContain('bob@example.com');
});

it('with MELLEA_TRACE_CONTENT=false the same program exports the span without any message', async () => {
  const result = await runChild(SCRIPT, {
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint,
      OTEL_SERVICE_NAME: 'docs-messages-off',
      MELLEA_TRACE_CONTENT: 'false',
    },
  });
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const chat = only(await receiver.waitForCount('docs-messages-off', 1), 'chat');
  expect(chat.attributes['gen_ai.operation.name']).toBe('chat');
  for (const key of Object.keys(chat.attributes)) expect(key).not.toMatch(/messages|instructions|definitions/);
});
