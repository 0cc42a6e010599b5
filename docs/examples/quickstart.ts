import { traceApplication, traceBackend } from 'mellea-telemetry';

class OllamaModelBackend {
  modelId = 'granite4.1:3b';
  @traceBackend('chat') // gen_ai.* attributes; usage read from the result
  async generateFromContext(action: { text: string }, _ctx: { size: number }) {
    return { value: `Hello, ${action.text}!`, usage: { inputTokens: 150, outputTokens: 42 }, finishReasons: ['stop'] };
  }
}

class Session {
  backend = new OllamaModelBackend();
  ctx = { size: 0 };
  @traceApplication('session_context') // parent of everything the body does
  async run<T>(body: (session: this) => Promise<T>): Promise<T> {
    return body(this);
  }
  @traceApplication('aact') // mellea.action_type, mellea.backend, response...
  async act(action: { text: string }) {
    return this.backend.generateFromContext(action, this.ctx);
  }
}

new Session().run((session) => session.act({ text: 'world' })).then((answer) => console.log(answer.value));
