/**
 * Configuration in code: every setting the environment takes is an option of `configureTelemetry()`, with the
 * precedence option > environment > default; an invalid option throws (naming it) and changes nothing; one hint
 * when an output is on but both scopes are off.
 */
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  configureTelemetry,
  getTelemetryConfig,
  isApplicationTracingEnabled,
  readTelemetryConfig,
  reloadTelemetryConfig,
  type TelemetryConfig,
  type TelemetryOptions,
  traceApplication,
} from 'mellea-telemetry';
import { captureWarnings } from '../support/warnings';

const warnings = captureWarnings();
afterEach(() => {
  configureTelemetry({});
  reloadTelemetryConfig({});
});

type Row = [
  option: keyof TelemetryOptions,
  env: Record<string, string>,
  optionValue: unknown,
  read: (config: TelemetryConfig) => unknown,
  fromOption: unknown,
  fromEnv: unknown,
  byDefault: unknown,
];

// One row per setting: the option, an environment that sets the same thing differently, and what each layer gives.
const table: Row[] = [
  ['application', { MELLEA_TRACE_APPLICATION: 'true' }, false, (c) => c.application, false, true, false],
  ['backend', { MELLEA_TRACE_BACKEND: 'false' }, true, (c) => c.backend, true, false, false],
  ['console', { MELLEA_TRACE_CONSOLE: 'true' }, false, (c) => c.console, false, true, false],
  ['content', { MELLEA_TRACE_CONTENT: 'false' }, true, (c) => c.content, true, false, true],
  ['serviceName', { OTEL_SERVICE_NAME: 'env-svc' }, 'code-svc', (c) => c.serviceName, 'code-svc', 'env-svc', 'mellea'],
  [
    'resourceAttributes',
    { OTEL_RESOURCE_ATTRIBUTES: 'region=eu,tier=env' },
    { tier: 'code' },
    (c) => c.resourceAttributes,
    { region: 'eu', tier: 'code' }, // merged per key, the option winning
    { region: 'eu', tier: 'env' },
    {},
  ],
  [
    'otlpEndpoint',
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4317' },
    'http://code:4317',
    (c) => c.otlpEndpoint,
    'http://code:4317',
    'http://env:4317',
    undefined,
  ],
  [
    'otlpProtocol',
    { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
    'grpc',
    (c) => c.otlpProtocol,
    'grpc',
    'http/protobuf',
    'grpc',
  ],
  [
    'otlpHeaders',
    { OTEL_EXPORTER_OTLP_HEADERS: 'x-team=env,x-region=eu' },
    { 'x-team': 'code' },
    (c) => ({ ...c.otlpHeaders }),
    { 'x-team': 'code', 'x-region': 'eu' }, // merged per key, the option winning
    { 'x-team': 'env', 'x-region': 'eu' },
    {},
  ],
  ['otlpTimeoutMs', { OTEL_EXPORTER_OTLP_TIMEOUT: '2000' }, 700, (c) => c.otlpTimeoutMs, 700, 2000, 10_000],
  [
    'otlpCompression',
    { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' },
    'none',
    (c) => c.otlpCompression,
    'none',
    'gzip',
    'none',
  ],
  [
    'otlpCertificate',
    { OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: '/env/ca.pem' },
    '/code/ca.pem',
    (c) => c.otlpTls.certificate,
    '/code/ca.pem',
    '/env/ca.pem',
    undefined,
  ],
  [
    'otlpClientKey',
    { OTEL_EXPORTER_OTLP_CLIENT_KEY: '/env/client.key', OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: '/env/client.pem' },
    '/code/client.key',
    (c) => c.otlpTls.clientKey,
    '/code/client.key',
    '/env/client.key',
    undefined,
  ],
  [
    'otlpClientCertificate',
    { OTEL_EXPORTER_OTLP_CLIENT_KEY: '/env/client.key', OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: '/env/client.pem' },
    '/code/client.pem',
    (c) => c.otlpTls.clientCertificate,
    '/code/client.pem',
    '/env/client.pem',
    undefined,
  ],
  [
    'sampler',
    { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' },
    { name: 'parentbased_traceidratio', ratio: 0.1 },
    (c) => c.sampler,
    { name: 'parentbased_traceidratio', ratio: 0.1 },
    { name: 'traceidratio', ratio: 0.5 },
    { name: 'parentbased_always_on', ratio: 1 },
  ],
  [
    'batch',
    { OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_BSP_MAX_QUEUE_SIZE: '64' },
    { scheduledDelayMillis: 250, exportTimeoutMillis: 9000 },
    (c) => c.batch,
    { scheduledDelayMillis: 250, exportTimeoutMillis: 9000, maxQueueSize: 64, maxExportBatchSize: 64 },
    { scheduledDelayMillis: 100, exportTimeoutMillis: 30_000, maxQueueSize: 64, maxExportBatchSize: 64 },
    { scheduledDelayMillis: 5000, exportTimeoutMillis: 30_000, maxQueueSize: 2048, maxExportBatchSize: 512 },
  ],
  ['flushOnExit', { MELLEA_TRACE_FLUSH_ON_EXIT: 'false' }, true, (c) => c.flushOnExit, true, false, true],
  ['flushTimeoutMs', { MELLEA_TRACE_FLUSH_TIMEOUT: '900' }, 250, (c) => c.flushTimeoutMs, 250, 900, 5000],
  [
    'traceFile',
    { MELLEA_TRACE_FILE: 'env.jsonl' },
    'code.jsonl',
    (c) => c.traceFile,
    'code.jsonl',
    'env.jsonl',
    undefined,
  ],
  ['consoleFormat', { MELLEA_TRACE_CONSOLE: 'tree' }, 'otel', (c) => c.consoleFormat, 'otel', 'tree', 'otel'],
  [
    'captureMessageContent',
    { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'span_only' },
    false,
    (c) => c.captureMessageContent,
    false,
    true,
    false,
  ],
  ['metrics', { MELLEA_METRICS_ENABLED: 'true' }, false, (c) => c.metrics.enabled, false, true, false],
  [
    'genAiLatestConventions',
    { OTEL_SEMCONV_STABILITY_OPT_IN: 'http,gen_ai_latest_experimental' },
    false,
    (c) => c.genAiLatestConventions,
    false,
    true,
    false,
  ],
  [
    'contentMaxCodePoints',
    { MELLEA_TRACE_CONTENT_MAX_LENGTH: '4096' },
    1024,
    (c) => c.contentMaxCodePoints,
    1024,
    4096,
    16_384,
  ],
];

describe('precedence: option > environment > default', () => {
  it.each(table)('%s', (option, env, value, read, fromOption, fromEnv, byDefault) => {
    expect(read(readTelemetryConfig(env, { [option]: value }))).toEqual(fromOption);
    expect(read(readTelemetryConfig(env))).toEqual(fromEnv);
    expect(read(readTelemetryConfig({}))).toEqual(byDefault);
    expect(warnings).toEqual([]);
  });

  it('the table covers every option but the provider and processors', () => {
    const options: Record<keyof TelemetryOptions, true> = {
      application: true,
      backend: true,
      console: true,
      content: true,
      serviceName: true,
      resourceAttributes: true,
      otlpEndpoint: true,
      otlpProtocol: true,
      otlpHeaders: true,
      otlpTimeoutMs: true,
      otlpCompression: true,
      otlpCertificate: true,
      otlpClientKey: true,
      otlpClientCertificate: true,
      sampler: true,
      batch: true,
      flushOnExit: true,
      flushTimeoutMs: true,
      traceFile: true,
      consoleFormat: true,
      captureMessageContent: true,
      contentMaxCodePoints: true,
      tracerProvider: true,
      spanProcessors: true,
      redact: true,
      metrics: true,
      genAiLatestConventions: true,
      meterProvider: true,
    };
    const covered = table.map(([option]) => option);
    expect(Object.keys(options).filter((name) => !covered.includes(name as keyof TelemetryOptions))).toEqual([
      'tracerProvider',
      'spanProcessors',
      'redact',
      'meterProvider',
    ]);
  });

  it('configureTelemetry applies the options over process.env and keeps them across reloads', () => {
    const config = configureTelemetry({ application: true, serviceName: 'code-svc', otlpTimeoutMs: 700 });
    expect(config).toBe(getTelemetryConfig());
    expect(isApplicationTracingEnabled()).toBe(true);
    reloadTelemetryConfig({
      OTEL_SERVICE_NAME: 'env-svc',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
      MELLEA_TRACE_APPLICATION: '0',
    });
    expect(getTelemetryConfig()).toMatchObject({ application: true, serviceName: 'code-svc', otlpTimeoutMs: 700 });
    expect(isApplicationTracingEnabled()).toBe(true);
  });

  it('otlpEndpoint: null turns OTLP export off whatever the environment says; a sampler by name alone', () => {
    expect(
      readTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4317' }, { otlpEndpoint: null }).otlpEndpoint,
    ).toBeUndefined();
    expect(readTelemetryConfig({}, { sampler: 'always_off' }).sampler).toEqual({ name: 'always_off', ratio: 1 });
  });

  it('an option replaces an environment value that is malformed, without the warning about it', () => {
    expect(readTelemetryConfig({ OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' }, { otlpTimeoutMs: 3000 }).otlpTimeoutMs).toBe(
      3000,
    );
    expect(warnings).toEqual([]);
  });
});

describe('the options take effect', () => {
  class Session {
    @traceApplication('aact')
    act(): string {
      return 'ok';
    }
  }
  // A fresh exporter per run: replacing the pipeline shuts the previous one down, its processors included.
  const run = (options: TelemetryOptions): ReadableSpan[] => {
    const recorded = new InMemorySpanExporter();
    configureTelemetry({ flushOnExit: false, spanProcessors: [new SimpleSpanProcessor(recorded)], ...options });
    expect(new Session().act()).toBe('ok');
    return recorded.getFinishedSpans();
  };

  it('serviceName and resourceAttributes land on the resource', () => {
    const [span] = run({
      application: true,
      serviceName: 'code-svc',
      resourceAttributes: { 'deployment.environment': 'test' },
    });
    expect(span!.resource.attributes).toMatchObject({ 'service.name': 'code-svc', 'deployment.environment': 'test' });
  });

  it('the sampler option decides what is recorded', () => {
    expect(run({ application: true, sampler: 'always_off' })).toEqual([]);
    expect(run({ application: true, sampler: { name: 'traceidratio', ratio: 1 } })).toHaveLength(1);
  });

  it('console: true prints the span (OpenTelemetry console format)', () => {
    const printed: unknown[] = [];
    const spy = jest.spyOn(console, 'dir').mockImplementation((value) => void printed.push(value));
    try {
      run({ application: true, console: true });
    } finally {
      spy.mockRestore();
    }
    expect(printed).toEqual([expect.objectContaining({ name: 'aact' })]);
  });

  it('tracerProvider: our spans go through the application provider', () => {
    const own = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(own)] });
    configureTelemetry({ tracerProvider: provider, application: true });
    expect(new Session().act()).toBe('ok');
    expect(own.getFinishedSpans().map((span) => span.name)).toEqual(['aact']);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});

describe('invalid options throw, naming the option, and change nothing', () => {
  it.each<[TelemetryOptions | Record<string, unknown>, ErrorConstructor, string]>([
    [{ application: 'yes' }, TypeError, '"application" must be true or false; got "yes"'],
    [{ console: 1 }, TypeError, '"console" must be true or false; got 1'],
    [{ serviceName: '  ' }, TypeError, '"serviceName" must be a non-empty string'],
    [{ otlpEndpoint: 'localhost:4317' }, TypeError, '"otlpEndpoint" must be an http(s) URL'],
    [{ otlpProtocol: 'http/json' }, TypeError, '"otlpProtocol" must be one of grpc, http/protobuf; got "http/json"'],
    [
      { otlpTimeoutMs: 1e10 },
      RangeError,
      '"otlpTimeoutMs" must be a whole number of ms from 1 to 2147483647; got 10000000000',
    ],
    [{ otlpTimeoutMs: 1.5 }, RangeError, '"otlpTimeoutMs" must be a whole number of ms'],
    [{ otlpTimeoutMs: '100' }, TypeError, '"otlpTimeoutMs" must be a whole number of ms'],
    [{ flushTimeoutMs: 0 }, RangeError, '"flushTimeoutMs" must be a whole number of ms from 1'],
    [
      { batch: { maxQueueSize: 1e9 } },
      RangeError,
      '"batch.maxQueueSize" must be a whole number of spans from 1 to 100000',
    ],
    [
      { batch: { maxQueueSize: 10, maxExportBatchSize: 20 } },
      RangeError,
      '"batch.maxExportBatchSize" must be at most batch.maxQueueSize (10); got 20',
    ],
    [{ batch: { queueSize: 10 } }, TypeError, '"batch.queueSize" must be left out (batch settings:'],
    [{ sampler: 'jaeger_remote' }, TypeError, '"sampler" must be one of always_on'],
    [
      { sampler: { name: 'always_on', ratio: 0.5 } },
      TypeError,
      '"sampler.ratio" must be left out: a ratio applies only to the traceidratio samplers',
    ],
    [
      { sampler: { name: 'traceidratio', ratio: 2 } },
      RangeError,
      '"sampler.ratio" must be a number between 0 and 1; got 2',
    ],
    [{ resourceAttributes: { region: 1 } }, TypeError, '"resourceAttributes.region" must be a string; got 1'],
    [
      { resourceAttributes: { 'service.name': 'x' } },
      TypeError,
      '"resourceAttributes.service.name" must be left out (use the serviceName option)',
    ],
    [{ otlpHeaders: ['a'] }, TypeError, '"otlpHeaders" must be an object; got an array'],
    [{ tracerProvider: {} }, TypeError, '"tracerProvider" must be a TracerProvider'],
    [{ spanProcessors: [{}] }, TypeError, '"spanProcessors[0]" must be a SpanProcessor'],
  ])('%j → %p', (options, type, message) => {
    configureTelemetry({ application: true, serviceName: 'before' });
    const before = getTelemetryConfig();
    let thrown: unknown;
    try {
      configureTelemetry(options as TelemetryOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(type);
    expect((thrown as Error).message).toContain(`configureTelemetry option ${message}`);
    expect(getTelemetryConfig()).toBe(before);
    expect(isApplicationTracingEnabled()).toBe(true);
  });

  it('a header value that cannot be sent: the error names the key, never the value', () => {
    expect(() => configureTelemetry({ otlpHeaders: { authorization: 'Bearer s3cr3t\r\nx: y' } })).toThrow(
      new TypeError(
        'configureTelemetry option "otlpHeaders": header "authorization" has a value with a character not allowed ' +
          'in a header (a control character, line break or non-ASCII).',
      ),
    );
  });

  it('an invalid endpoint is quoted without its userinfo and query', () => {
    expect(() => configureTelemetry({ otlpEndpoint: 'ftp://admin:s3cr3t@host/x?token=t0k' })).toThrow(
      /must be an http\(s\) URL .*; got "ftp:\/\/host\/x"\.$/,
    );
  });

  it('options that are not an object: a TypeError', () => {
    expect(() => configureTelemetry(null as never)).toThrow(
      new TypeError('configureTelemetry takes an object of options; got null.'),
    );
    expect(() => configureTelemetry('console' as never)).toThrow(TypeError);
  });

  it('an unknown option (a typo) is one warning, not an error', () => {
    configureTelemetry({ servicename: 'typo' } as TelemetryOptions);
    expect(warnings).toEqual([
      expect.stringContaining('configureTelemetry option "servicename" is not known and is ignored'),
    ]);
  });

  it('an environment value still only warns', () => {
    expect(readTelemetryConfig({ OTEL_EXPORTER_OTLP_TIMEOUT: '1e10' }).otlpTimeoutMs).toBe(2_147_483_647);
    expect(warnings).toHaveLength(1);
  });
});

describe('hint: an output is on but both scopes are off', () => {
  // The check runs once the current synchronous work is done: an application may switch a scope on in code
  // right after its imports (the environment is read at load).
  const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it('MELLEA_TRACE_CONSOLE=true alone: one hint naming the switches to turn on', async () => {
    reloadTelemetryConfig({ MELLEA_TRACE_CONSOLE: 'true' });
    expect(warnings).toEqual([]);
    await tick();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toBe(
      'MELLEA_TRACE_CONSOLE=true is set, but both trace scopes are off, so no span is produced. Turn one on: ' +
        'MELLEA_TRACE_APPLICATION=true / MELLEA_TRACE_BACKEND=true, or configureTelemetry({ application: true, backend: true }).',
    );
  });

  it('the console and otlpEndpoint options: one hint naming both', async () => {
    configureTelemetry({ console: true, otlpEndpoint: 'http://127.0.0.1:4317' });
    await tick();
    expect(warnings).toEqual([
      expect.stringContaining('the console option and the otlpEndpoint option are set, but both trace scopes are off'),
    ]);
  });

  it('no hint with a scope on, and none for an OTLP endpoint from the environment (shared with other SDKs)', () => {
    reloadTelemetryConfig({
      MELLEA_TRACE_CONSOLE: 'true',
      MELLEA_TRACE_BACKEND: 'true',
      MELLEA_TRACE_FLUSH_ON_EXIT: 'false',
    });
    reloadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317' });
    expect(warnings).toEqual([]);
  });
});

describe('options and environment together', () => {
  it('a batch size option larger than the environment’s queue: clamped, one warning naming both sources', () => {
    expect(
      readTelemetryConfig({ OTEL_BSP_MAX_QUEUE_SIZE: '100' }, { batch: { maxExportBatchSize: 500 } }).batch,
    ).toMatchObject({ maxQueueSize: 100, maxExportBatchSize: 100 });
    expect(warnings).toEqual([
      expect.stringContaining(
        'the batch.maxExportBatchSize option=500 is larger than OTEL_BSP_MAX_QUEUE_SIZE=100. Using 100.',
      ),
    ]);
  });

  it('sampler name and ratio are two settings: an option name keeps the environment ratio, an option ratio wins', () => {
    const env = { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' };
    expect(readTelemetryConfig(env, { sampler: 'parentbased_traceidratio' }).sampler).toEqual({
      name: 'parentbased_traceidratio',
      ratio: 0.5,
    });
    expect(readTelemetryConfig(env, { sampler: { name: 'traceidratio', ratio: 0.1 } }).sampler.ratio).toBe(0.1);
    expect(readTelemetryConfig(env, { sampler: 'always_on' }).sampler).toEqual({ name: 'always_on', ratio: 1 });
  });
});
