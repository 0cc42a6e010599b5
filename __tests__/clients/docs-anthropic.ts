import type Anthropic from '@anthropic-ai/sdk';
import { traceBackend } from 'mellea-telemetry';

export class AnthropicBackend {
  readonly modelId = 'claude-sonnet-4-20250514'; // the class name gives gen_ai.system = anthropic
  constructor(private readonly client: Anthropic) {}

  // Streamed events: id, model and input tokens from message_start; stop reason and output tokens from message_delta.
  @traceBackend('chat')
  async stream(prompt: string) {
    return this.client.messages.create({
      model: this.modelId,
      max_tokens: 256,
      messages: [{ role: 'user', content: prompt }],
      stream: true,
    });
  }
}
