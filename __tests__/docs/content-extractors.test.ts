import { createTestTracing } from 'mellea-telemetry/testing';
import { parsedMessages } from '../support/genai-schema';
import { SupportBot } from './content-extractors';

const tracing = createTestTracing({ captureMessageContent: true });
afterAll(() => tracing.shutdown());

it('docs/tracing.md: the content extractors of a decorator say where the messages are', async () => {
  await new SupportBot().ask('Where is my parcel?');
  const chat = tracing.span('chat').attributes;
  expect(parsedMessages(chat['gen_ai.input.messages'], 'input')).toEqual([
    { role: 'user', parts: [{ type: 'text', content: 'Where is my parcel?' }] },
  ]);
  expect(parsedMessages(chat['gen_ai.system_instructions'], 'system')).toEqual([
    { type: 'text', content: 'You answer support questions.' },
  ]);
  expect(parsedMessages(chat['gen_ai.output.messages'], 'output')).toEqual([
    { role: 'assistant', parts: [{ type: 'text', content: 'You asked: Where is my parcel?' }], finish_reason: 'stop' },
  ]);
});
