// Your application already runs the OpenTelemetry NodeSDK: give its provider to mellea-telemetry, and every span
// (yours, your instrumentations', ours) goes through one pipeline, one exporter, one flush.
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { configureTelemetry, traceApplication, traceBackend } from 'mellea-telemetry';

// Your decorated classes; here a stand-in backend that answers without a model.
class EchoBackend {
  modelId = 'granite4.1:3b';

  @traceBackend('chat')
  async generateFromContext(prompt: string, _ctx: { size: number }) {
    return { value: `answer to ${prompt}`, usage: { inputTokens: 150, outputTokens: 42 } };
  }
}

class Session {
  readonly ctx = { size: 0 };
  readonly backend = new EchoBackend();

  @traceApplication('session_context')
  async run<T>(body: (session: this) => Promise<T>): Promise<T> {
    return body(this);
  }

  @traceApplication('aact')
  async act(prompt: string): Promise<{ value: string; success: boolean }> {
    const { value } = await this.backend.generateFromContext(prompt, this.ctx);
    return { value, success: await this.validate(value) };
  }

  @traceApplication('requirement_validation')
  async validate(output: string): Promise<boolean> {
    return output.length > 0;
  }
}

const sdk = new NodeSDK({ traceExporter: new OTLPTraceExporter() }); // endpoint from OTEL_EXPORTER_OTLP_ENDPOINT
sdk.start();
configureTelemetry({ tracerProvider: trace.getTracerProvider(), application: true, backend: true });

async function main(): Promise<void> {
  const answer = await trace.getTracer('my-app').startActiveSpan('POST /ask', async (request) => {
    const result = await new Session().run((session) => session.act('Summarise the report'));
    request.end();
    return result.value;
  });
  console.log(answer);
  await sdk.shutdown(); // flushes every span, ours included
}

void main();
