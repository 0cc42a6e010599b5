import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { shutdownTelemetry } from 'mellea-telemetry';
import { Instruction, Session } from '../fixtures/session'; // your decorated session class

const server = createServer(async (request, response) => {
  const result = await new Session().run((session) => session.act(new Instruction(request.url ?? '/')));
  response.end(result.value);
});
server.listen(0, '127.0.0.1', () => console.log(`listening on ${(server.address() as AddressInfo).port}`));

// Your own SIGTERM handler replaces mellea-telemetry's default one: close, flush, then exit as you decide.
process.on('SIGTERM', () => {
  server.close(async () => {
    await shutdownTelemetry(); // never rejects; waits at most MELLEA_TRACE_FLUSH_TIMEOUT
    process.exit(0);
  });
});
