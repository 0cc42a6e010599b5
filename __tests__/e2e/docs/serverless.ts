import { forceFlushTelemetry } from 'mellea-telemetry';
import { Instruction, Session } from '../fixtures/session'; // your decorated session class

/** A serverless handler: the platform may freeze the process as soon as it returns, so flush before returning. */
export async function handler(event: { prompt: string }): Promise<{ answer: string }> {
  try {
    const result = await new Session().run((session) => session.act(new Instruction(event.prompt)));
    return { answer: result.value };
  } finally {
    await forceFlushTelemetry(); // never rejects; waits at most MELLEA_TRACE_FLUSH_TIMEOUT (5000 ms by default)
  }
}
