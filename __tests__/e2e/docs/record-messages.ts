// Record what each model call was sent and what it answered — with secrets and your own sensitive patterns
// masked before anything leaves the process.
import {
  composeRedactors,
  configureTelemetry,
  redactSecrets,
  redactStrings,
  shutdownTelemetry,
} from 'mellea-telemetry';
import { ChatContext, ScriptedBackend, Session } from 'mellea-telemetry/runtime';

// Your own rule, next to the built-in one: this bank's account numbers.
const maskAccounts = redactStrings((text) => text.replace(/ACC-\d{8}/g, 'ACC-********'));

configureTelemetry({
  backend: true,
  captureMessageContent: true, // or OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true
  redact: composeRedactors(redactSecrets, maskAccounts),
});

async function main(): Promise<void> {
  const session = new Session(new ScriptedBackend(), { ctx: new ChatContext() });
  await session.chat('Move 100 EUR from ACC-12345678 and confirm to bob@example.com');
  await shutdownTelemetry(); // flushes the spans
}

void main();
