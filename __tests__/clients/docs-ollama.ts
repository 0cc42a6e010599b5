import { traceBackend } from 'mellea-telemetry';
import type { Ollama } from 'ollama';

export class OllamaModelBackend {
  readonly modelId = 'granite4.1:3b'; // the class name gives gen_ai.system = ollama
  constructor(private readonly client: Ollama) {}

  // Ollama's native fields are read as they are: prompt_eval_count, eval_count, done_reason (on the done line).
  @traceBackend('chat')
  async stream(prompt: string) {
    return this.client.chat({ model: this.modelId, messages: [{ role: 'user', content: prompt }], stream: true });
  }
}
