import { traceBackend } from 'mellea-telemetry';

/** A client of your own whose request and answer look like none of the conventional shapes. */
export class SupportBot {
  persona = 'You answer support questions.';

  @traceBackend('chat', {
    content: {
      input: (self, [question]) => ({ messages: [{ role: 'user', content: question }], system: self.persona }),
      output: (answer) => answer.raw, // read the answer from here (any supported shape, or a string)
      chunk: (chunk) => chunk.textDelta, // for streaming methods: a string delta, or a chunk in a shape above
    },
  })
  async ask(question: string): Promise<{ raw: string }> {
    return { raw: `You asked: ${question}` };
  }
}
