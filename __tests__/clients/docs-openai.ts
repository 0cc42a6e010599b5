import { traceBackend } from 'mellea-telemetry';
import type OpenAI from 'openai';

// Your backend: the SDK does the HTTP; the decorator reads usage, id, model and finish reasons by convention.
export class OpenAIChatBackend {
  readonly modelId = 'gpt-4o-mini'; // → gen_ai.request.model; the class name gives gen_ai.system = openai
  constructor(private readonly client: OpenAI) {}

  @traceBackend('chat')
  async generate(prompt: string) {
    return this.client.chat.completions.create({ model: this.modelId, messages: [{ role: 'user', content: prompt }] });
  }

  // Return the SDK's stream as it is: the span stays open until the caller has read it (or stops, or it fails),
  // and usage comes from the final chunk when you ask for it.
  @traceBackend('chat')
  async stream(prompt: string) {
    return this.client.chat.completions.create({
      model: this.modelId,
      messages: [{ role: 'user', content: prompt }],
      stream: true,
      stream_options: { include_usage: true },
    });
  }
}
