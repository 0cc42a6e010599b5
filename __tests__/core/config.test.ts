import { context, createContextKey, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  configureTelemetry,
  getTelemetryConfig,
  isApplicationTracingEnabled,
  isBackendTracingEnabled,
  isContentTracingEnabled,
  readTelemetryConfig,
  reloadTelemetryConfig,
  traceApplication,
  traceBackend,
} from 'mellea-telemetry';
import { captureWarnings } from '../support/warnings';

const warnings = captureWarnings();
afterAll(() => reloadTelemetryConfig({}));

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('boolean environment values', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    [' yes ', true],
    ['1', true],
    ['Yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['NO', false],
    ['', false],
    ['  ', false],
  ])('MELLEA_TRACE_APPLICATION=%j → %s without a warning', async (value, expected) => {
    expect(readTelemetryConfig({ MELLEA_TRACE_APPLICATION: value }).application).toBe(expected);
    await flush();
    expect(warnings).toEqual([]);
  });

  it('unset means off for the scopes and console, on for content', () => {
    expect(readTelemetryConfig({})).toMatchObject({
      application: false,
      backend: false,
      console: false,
      content: true,
      otlpEndpoint: undefined,
      serviceName: 'mellea',
    });
  });

  it.each(['on', 'enabled', 'tru', '2'])(
    'any other value (%j) is false plus ONE warning naming the variable',
    async (value) => {
      reloadTelemetryConfig({ MELLEA_TRACE_BACKEND: value });
      readTelemetryConfig({ MELLEA_TRACE_BACKEND: value });
      await flush();
      expect(isBackendTracingEnabled()).toBe(false);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('MELLEA_TRACE_BACKEND');
      expect(warnings[0]).toContain('true, 1, yes');
    },
  );

  it('reads the service name and the OTLP endpoint; a malformed endpoint warns and is ignored', async () => {
    expect(
      readTelemetryConfig({ OTEL_SERVICE_NAME: 'my-app', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4317' }),
    ).toMatchObject({
      serviceName: 'my-app',
      otlpEndpoint: 'http://localhost:4317',
    });
    reloadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' });
    await flush();
    expect(getTelemetryConfig().otlpEndpoint).toBeUndefined();
    expect(warnings.join()).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
  });
});

describe('read once at load, reload on demand', () => {
  class Backend {
    @traceBackend('chat')
    call(): number {
      return 1;
    }
  }

  it('changing the environment alone changes nothing; reloadTelemetryConfig applies it', () => {
    const before = isApplicationTracingEnabled();
    process.env['MELLEA_TRACE_APPLICATION'] = 'true';
    try {
      expect(isApplicationTracingEnabled()).toBe(before);
      reloadTelemetryConfig();
      expect(isApplicationTracingEnabled()).toBe(true);
      expect(isBackendTracingEnabled()).toBe(false);
    } finally {
      delete process.env['MELLEA_TRACE_APPLICATION'];
      reloadTelemetryConfig();
    }
    expect(isApplicationTracingEnabled()).toBe(false);
  });

  it('scopes switch independently and use tracers named mellea.application / mellea.backend', () => {
    reloadTelemetryConfig({ MELLEA_TRACE_BACKEND: '1' });
    expect([isApplicationTracingEnabled(), isBackendTracingEnabled()]).toEqual([false, true]);
    let scopeName: string | undefined;
    class Probe {
      @traceBackend('chat')
      call(): void {
        const span = trace.getActiveSpan() as unknown as { instrumentationScope?: { name: string; version?: string } };
        scopeName = `${span.instrumentationScope?.name}@${span.instrumentationScope?.version}`;
      }
    }
    new Probe().call();
    expect(scopeName).toBe(`mellea.backend@${require('../../package.json').version}`);
    expect(new Backend().call()).toBe(1);
  });

  it('MELLEA_TRACE_CONTENT defaults to on and can be switched off', () => {
    reloadTelemetryConfig({});
    expect(isContentTracingEnabled()).toBe(true);
    reloadTelemetryConfig({ MELLEA_TRACE_CONTENT: 'false' });
    expect(isContentTracingEnabled()).toBe(false);
  });

  it('with both scopes off a reload leaves no context manager behind', () => {
    reloadTelemetryConfig({ MELLEA_TRACE_APPLICATION: 'true' });
    const key = createContextKey('probe');
    const probe = ROOT_CONTEXT.setValue(key, 1);
    expect(context.with(probe, () => context.active())).toBe(probe);
    reloadTelemetryConfig({});
    expect(context.with(probe, () => context.active())).not.toBe(probe);
  });

  it('application-only tracing does not trace backend methods', () => {
    reloadTelemetryConfig({ MELLEA_TRACE_APPLICATION: 'true' });
    let active: unknown = 'unset';
    class Mixed {
      @traceBackend('chat')
      backendCall(): void {
        active = trace.getActiveSpan();
      }
      @traceApplication('aact')
      appCall(): void {
        this.backendCall();
      }
    }
    new Mixed().backendCall();
    expect(active).toBeUndefined();
  });

  it('configureTelemetry({ spanProcessors }) adds processors to the provider built from the environment', () => {
    const recorded = new InMemorySpanExporter();
    configureTelemetry({ application: true, spanProcessors: [new SimpleSpanProcessor(recorded)] });
    try {
      class Session {
        @traceApplication('aact')
        act(): string {
          return 'ok';
        }
      }
      expect(new Session().act()).toBe('ok');
      expect(recorded.getFinishedSpans().map((span) => [span.name, span.instrumentationScope.name])).toEqual([
        ['aact', 'mellea.application'],
      ]);
    } finally {
      configureTelemetry({});
    }
    expect(isApplicationTracingEnabled()).toBe(false);
  });
});
