// Your application already runs the OpenTelemetry NodeSDK: give its provider to mellea-telemetry, and every span
// (yours, your instrumentations', ours) goes through one pipeline, one exporter, one flush.
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { configureTelemetry } from 'mellea-telemetry';
import { Instruction, Session } from '../fixtures/session'; // your decorated session class

const sdk = new NodeSDK({ traceExporter: new OTLPTraceExporter() }); // endpoint from OTEL_EXPORTER_OTLP_ENDPOINT
sdk.start();
configureTelemetry({ tracerProvider: trace.getTracerProvider(), application: true, backend: true });

async function main(): Promise<void> {
  const answer = await trace.getTracer('my-app').startActiveSpan('POST /ask', async (request) => {
    const result = await new Session().run((session) => session.act(new Instruction('Summarise the report')));
    request.end();
    return result.value;
  });
  console.log(answer);
  await sdk.shutdown(); // flushes every span, ours included
}

void main();
