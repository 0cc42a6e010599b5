/**
 * OTLP over TLS with a private CA, mutual TLS, and gzip — against the real receiver (@elastic/mockotlpserver) on
 * loopback. The receiver speaks plaintext, so TLS ends in a pass-through proxy in front of it (as a collector's
 * load balancer would end it); the proxy also counts the bytes the exporter sent. The certificates in
 * fixtures/tls are test-only (a CA, a server certificate for 127.0.0.1/localhost, a client certificate; 100 years).
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { gunzipSync } from 'node:zlib';
import {
  forceFlushTelemetry,
  getTelemetryExportStats,
  readTelemetryConfig,
  reloadTelemetryConfig,
  shutdownTelemetry,
} from 'mellea-telemetry';
import { resetWarnings } from '../../src/warnings';
import { captureWarnings } from '../support/warnings';
import { runSession, SPANS_PER_SESSION } from './fixtures/session';
import { Receiver, traced } from './support/receiver';

jest.setTimeout(30_000);
const warnings = captureWarnings();
const TLS = (name: string): string => join(__dirname, 'fixtures', 'tls', name);

let receiver: Receiver;
beforeAll(async () => (receiver = await Receiver.start(['grpc', 'http'])));
afterAll(() => receiver.close());
beforeEach(() => resetWarnings());
afterEach(async () => {
  await shutdownTelemetry(1000);
  reloadTelemetryConfig({});
});

const portOf = (url: string): number => Number(new URL(url).port);

interface Proxy {
  readonly port: number;
  /** Bytes received from the exporter so far. */
  bytesIn(): number;
  /** The CN of each client certificate presented (mutual TLS). */
  readonly clients: string[];
  close(): Promise<void>;
}

/** A TCP pass-through to `targetPort` on loopback, ending TLS first when `tlsOptions` is given. */
async function proxy(targetPort: number, tlsOptions?: { requireClientCertificate: boolean }): Promise<Proxy> {
  let bytes = 0;
  const sockets = new Set<net.Socket>();
  const clients: string[] = [];
  const onConnection = (client: net.Socket): void => {
    if (client instanceof tls.TLSSocket) {
      const peer = client.getPeerCertificate();
      if (typeof peer?.subject?.CN === 'string') clients.push(peer.subject.CN);
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
  };
  const server =
    tlsOptions === undefined
      ? net.createServer(onConnection)
      : tls.createServer(
          {
            key: readFileSync(TLS('server.key')),
            cert: readFileSync(TLS('server.pem')),
            ALPNProtocols: ['h2', 'http/1.1'],
            ...(tlsOptions.requireClientCertificate
              ? { requestCert: true, rejectUnauthorized: true, ca: readFileSync(TLS('ca.pem')) }
              : {}),
          },
          onConnection,
        );
  server.on('tlsClientError', () => undefined);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    bytesIn: () => bytes,
    clients,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Runs one session and waits until its spans are at the receiver. */
async function delivered(service: string): Promise<void> {
  expect(await runSession()).toEqual(['answer to write 1', 'answer to write 2']);
  await forceFlushTelemetry();
  await receiver.waitForCount(service, SPANS_PER_SESSION);
  expect(getTelemetryExportStats()).toMatchObject({ exported: SPANS_PER_SESSION, failed: 0, dropped: 0 });
}

/** Runs one session whose export must fail: the host's result is unchanged, the spans are counted as failed. */
async function notDelivered(service: string): Promise<void> {
  expect(await runSession()).toEqual(['answer to write 1', 'answer to write 2']);
  await forceFlushTelemetry();
  expect(receiver.spansOf(service)).toEqual([]);
  expect(getTelemetryExportStats()).toMatchObject({ exported: 0, failed: SPANS_PER_SESSION });
}

describe('OTEL_EXPORTER_OTLP_COMPRESSION=gzip', () => {
  it('gRPC: the spans arrive whole, in fewer bytes than without', async () => {
    const bytesFor = async (service: string, compression: string): Promise<number> => {
      const front = await proxy(portOf(receiver.grpcEndpoint));
      traced({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${front.port}`,
        OTEL_EXPORTER_OTLP_COMPRESSION: compression,
        OTEL_SERVICE_NAME: service,
      });
      await delivered(service);
      await shutdownTelemetry(1000);
      const bytes = front.bytesIn();
      await front.close();
      return bytes;
    };
    const plain = await bytesFor('e2e-gzip-off', 'none');
    const compressed = await bytesFor('e2e-gzip-on', 'gzip');
    const [span] = receiver.spansOf('e2e-gzip-on').filter((one) => one.name === 'chat');
    expect(span!.attributes['gen_ai.operation.name']).toBe('chat');
    expect(compressed).toBeLessThan(plain * 0.8);
    expect(warnings).toEqual([]);
  });

  it('http/protobuf: Content-Encoding gzip, a body the receiver decodes once gunzipped', async () => {
    const encodings: (string | undefined)[] = [];
    // A front that gunzips, as a collector's OTLP/HTTP receiver does, and hands the request to the real receiver.
    const front = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        encodings.push(request.headers['content-encoding']);
        const body = gunzipSync(Buffer.concat(chunks));
        const forward = http.request(`${receiver.httpEndpoint}${request.url}`, {
          method: 'POST',
          headers: { 'content-type': String(request.headers['content-type']), 'content-length': body.length },
        });
        forward.on('response', (answer) => {
          response.writeHead(answer.statusCode ?? 500);
          answer.pipe(response);
        });
        forward.end(body);
      });
    });
    front.listen(0, '127.0.0.1');
    await once(front, 'listening');
    try {
      traced({
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(front.address() as net.AddressInfo).port}`,
        OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'GZIP',
        OTEL_SERVICE_NAME: 'e2e-gzip-http',
      });
      await delivered('e2e-gzip-http');
      expect(encodings.length).toBeGreaterThan(0);
      expect(new Set(encodings)).toEqual(new Set(['gzip']));
    } finally {
      await new Promise((resolve) => front.close(resolve));
    }
  });
});

describe('TLS with a private CA (OTEL_EXPORTER_OTLP_CERTIFICATE)', () => {
  it.each([
    ['grpc', () => portOf(receiver.grpcEndpoint)],
    ['http/protobuf', () => portOf(receiver.httpEndpoint)],
  ] as const)(
    '%s: trusted with the CA file; without it the export fails (counted, one warning)',
    async (protocol, target) => {
      const front = await proxy(target(), { requireClientCertificate: false });
      const endpoint = `https://127.0.0.1:${front.port}`;
      try {
        const service = `e2e-tls-${protocol.replace('/', '-')}`;
        traced({
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
          OTEL_EXPORTER_OTLP_CERTIFICATE: TLS('ca.pem'),
          OTEL_SERVICE_NAME: service,
        });
        await delivered(service);
        expect(warnings).toEqual([]);
        await shutdownTelemetry(1000);

        traced({
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
          OTEL_EXPORTER_OTLP_TIMEOUT: '3000',
          OTEL_SERVICE_NAME: `${service}-untrusted`,
        });
        await notDelivered(`${service}-untrusted`);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain(endpoint);
        expect(warnings[0]).toContain('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
        expect(warnings[0]).toContain('OTEL_EXPORTER_OTLP_CERTIFICATE names a CA file to trust');
      } finally {
        await front.close();
      }
    },
  );

  it('an unreadable CA file: one warning naming the setting and the path, the system CAs instead', async () => {
    const front = await proxy(portOf(receiver.grpcEndpoint), { requireClientCertificate: false });
    try {
      traced({
        OTEL_EXPORTER_OTLP_ENDPOINT: `https://127.0.0.1:${front.port}`,
        OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: '/nonexistent/ca.pem',
        OTEL_EXPORTER_OTLP_TIMEOUT: '3000',
        OTEL_SERVICE_NAME: 'e2e-tls-unreadable',
      });
      await notDelivered('e2e-tls-unreadable');
      const [unreadable, ...rest] = warnings;
      expect(unreadable).toContain('OTEL_EXPORTER_OTLP_CERTIFICATE');
      expect(unreadable).toContain('"/nonexistent/ca.pem" cannot be read');
      expect(unreadable).toContain('the system CAs are trusted instead');
      expect(rest).toHaveLength(1); // the export failure
    } finally {
      await front.close();
    }
  });
});

describe('mutual TLS (OTEL_EXPORTER_OTLP_CLIENT_KEY + _CLIENT_CERTIFICATE)', () => {
  it.each(['grpc', 'http/protobuf'] as const)(
    '%s: the client certificate is presented; a collector that requires one refuses an export without',
    async (protocol) => {
      const front = await proxy(portOf(protocol === 'grpc' ? receiver.grpcEndpoint : receiver.httpEndpoint), {
        requireClientCertificate: true,
      });
      const service = `e2e-mtls-${protocol.replace('/', '-')}`;
      const base = {
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_ENDPOINT: `https://127.0.0.1:${front.port}`,
        OTEL_EXPORTER_OTLP_CERTIFICATE: TLS('ca.pem'),
        OTEL_EXPORTER_OTLP_TIMEOUT: '3000',
      };
      try {
        traced({
          ...base,
          OTEL_EXPORTER_OTLP_CLIENT_KEY: TLS('client.key'),
          OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE: TLS('client.pem'),
          OTEL_SERVICE_NAME: service,
        });
        await delivered(service);
        expect(front.clients).toContain('mellea-telemetry test client');
        expect(warnings).toEqual([]);
        await shutdownTelemetry(1000);

        traced({ ...base, OTEL_SERVICE_NAME: `${service}-anonymous` });
        await notDelivered(`${service}-anonymous`);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain('asks for a client certificate: OTEL_EXPORTER_OTLP_CLIENT_KEY');
      } finally {
        await front.close();
      }
    },
  );
});

describe('the settings', () => {
  it('compression: traces variable over the general one; invalid: one warning and none', () => {
    expect(readTelemetryConfig({}).otlpCompression).toBe('none');
    expect(
      readTelemetryConfig({ OTEL_EXPORTER_OTLP_COMPRESSION: 'none', OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip' })
        .otlpCompression,
    ).toBe('gzip');
    expect(readTelemetryConfig({ OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli' }).otlpCompression).toBe('none');
    expect(warnings).toEqual([
      'OTEL_EXPORTER_OTLP_COMPRESSION="brotli" is not supported (supported: gzip, none). Using none.',
    ]);
  });

  it('TLS paths: traces variables over the general ones; a key without a certificate is one warning and neither', () => {
    expect(
      readTelemetryConfig({
        OTEL_EXPORTER_OTLP_CERTIFICATE: '/general/ca.pem',
        OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: '/traces/ca.pem',
        OTEL_EXPORTER_OTLP_CLIENT_KEY: '/general/client.key',
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: '/general/client.pem',
      }).otlpTls,
    ).toEqual({
      certificate: '/traces/ca.pem',
      clientKey: '/general/client.key',
      clientCertificate: '/general/client.pem',
    });
    expect(readTelemetryConfig({ OTEL_EXPORTER_OTLP_CLIENT_KEY: '/general/client.key' }).otlpTls).toEqual({});
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('a client key and a client certificate go together');
  });
});
