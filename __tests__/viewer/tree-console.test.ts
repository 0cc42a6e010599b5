// MELLEA_TRACE_CONSOLE=tree: one tree per trace, printed when its root ends, children under their parents in
// start order, concurrent traces apart — through the real pipeline (configureTelemetry + decorated classes).
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  configureTelemetry,
  readTelemetryConfig,
  shutdownTelemetry,
  traceApplication,
  traceBackend,
} from 'mellea-telemetry';
import { TreeConsoleProcessor } from '../../src/sdk/tree-console';
import { captureWarnings } from '../support/warnings';
import { runTs } from './support';

const printed: string[] = [];
const warnings = captureWarnings();

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class ScriptedBackend {
  modelId = 'granite4.1:3b';
  @traceBackend('chat')
  async generateFromContext(prompt: string, delayMs: number): Promise<{ value: string; usage: object }> {
    await tick(delayMs);
    if (prompt === 'fail') throw new Error('model unreachable');
    return {
      value: `an answer to ${prompt}\nover two lines, and long enough to be cut: ${'x'.repeat(200)}`,
      usage: { prompt_tokens: 12, completion_tokens: 7 },
    };
  }
}

class Session {
  constructor(readonly backend = new ScriptedBackend()) {}

  @traceApplication('session_context')
  async run<T>(body: (session: this) => Promise<T>): Promise<T> {
    return body(this);
  }

  @traceApplication('aact')
  async act(prompt: string, delayMs = 1): Promise<{ value: string }> {
    const output = await this.backend.generateFromContext(prompt, delayMs);
    await this.validate(output.value);
    return output;
  }

  @traceApplication('requirement_validation')
  async validate(output: string): Promise<boolean> {
    await tick(1);
    return output.length > 0;
  }
}

/** The span lines of a printed tree: `[indent depth, name, scope, rest of the line]`. */
function spanLines(tree: string): [number, string, string, string][] {
  return tree
    .split('\n')
    .map((line) => /^((?:[│ ] {3})*(?:[├└]── )?)(\w+)\s+\(([\w.]+)\)(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => [match[1]!.length / 4, match[2]!, match[3]!, match[4]!]);
}

beforeAll(() => {
  configureTelemetry({
    application: true,
    backend: true,
    flushOnExit: false,
    spanProcessors: [new TreeConsoleProcessor((text) => printed.push(text))],
  });
});
afterEach(() => {
  printed.length = 0;
});
afterAll(async () => {
  await shutdownTelemetry();
  configureTelemetry({});
});

describe('TreeConsoleProcessor', () => {
  it('prints nothing until the root ends, then the whole trace once, parents before children', async () => {
    const session = new Session();
    let beforeRootEnded = -1;
    await session.run(async (m) => {
      await m.act('write');
      await m.act('fail').catch(() => undefined);
      beforeRootEnded = printed.length;
    });
    expect(beforeRootEnded).toBe(0);
    expect(printed).toHaveLength(1);
    const [header, ...rest] = printed[0]!.split('\n');
    expect(header).toMatch(/^trace [0-9a-f]{32}$/);
    const lines = spanLines(rest.join('\n'));
    expect(lines.map(([depth, name, scope]) => [depth, name, scope])).toEqual([
      [0, 'session_context', 'mellea.application'],
      [1, 'aact', 'mellea.application'],
      [2, 'chat', 'mellea.backend'],
      [2, 'requirement_validation', 'mellea.application'],
      [1, 'aact', 'mellea.application'],
      [2, 'chat', 'mellea.backend'],
    ]);
    // every span with its duration; the failed ones with their status
    for (const [, , , tail] of lines) expect(tail).toMatch(/^ {2}\d+(\.\d+)? (µs|ms|s)\b/);
    // the message where the error happened; the ancestor it passed through points at that span
    expect(lines[5]![3]).toMatch(/ERROR: model unreachable$/);
    expect(lines[4]![3]).toMatch(/ERROR: Error raised in span [0-9a-f]{16}$/);
    expect(lines[0]![3]).not.toContain('ERROR');
    // key attributes, the response cut to one line
    const text = printed[0]!;
    expect(text).toContain('[gen_ai.request.model=granite4.1:3b]');
    expect(text).toContain('[gen_ai.usage.input_tokens=12]');
    expect(text).toContain('[error.type=Error]');
    const response = text.split('\n').find((line) => line.includes('[response='))!;
    expect(response).toMatch(/\[response=an answer to write⏎over two lines, .*…\]$/);
    expect(response.length).toBeLessThan(160);
  });

  it('prints two traces interleaved in time as two separate trees, each when its own root ends', async () => {
    const events: string[] = [];
    const slow = new Session().run(async (m) => {
      await m.act('slow one', 30);
      await m.act('slow two', 5);
      events.push(`slow done, printed ${printed.length}`);
    });
    const fast = new Session().run(async (m) => {
      await m.act('fast one', 10);
      events.push(`fast done, printed ${printed.length}`);
    });
    await Promise.all([slow, fast]);
    expect(events).toEqual(['fast done, printed 0', 'slow done, printed 1']);
    expect(printed).toHaveLength(2);
    const [fastTree, slowTree] = printed;
    const traceOf = (tree: string) => /^trace ([0-9a-f]{32})/.exec(tree)![1];
    expect(traceOf(fastTree!)).not.toBe(traceOf(slowTree!));
    expect(spanLines(fastTree!).map(([depth, name]) => `${depth}:${name}`)).toEqual([
      '0:session_context',
      '1:aact',
      '2:chat',
      '2:requirement_validation',
    ]);
    expect(spanLines(slowTree!).map(([depth, name]) => `${depth}:${name}`)).toEqual([
      '0:session_context',
      '1:aact',
      '2:chat',
      '2:requirement_validation',
      '1:aact',
      '2:chat',
      '2:requirement_validation',
    ]);
    expect(fastTree).toContain('an answer to fast one');
    expect(fastTree).not.toContain('slow');
    expect(slowTree).not.toContain('fast');
  });

  it('treats a span with a remote parent (a propagated traceparent) as the root of what this process prints', async () => {
    const propagator = new W3CTraceContextPropagator();
    const incoming = propagator.extract(
      ROOT_CONTEXT,
      { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      { get: (carrier, key) => carrier[key], keys: (carrier) => Object.keys(carrier) },
    );
    await context.with(incoming, () => new Session().act('from upstream'));
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^trace 0af7651916cd43dd8448eb211c80319c\naact /);
  });

  it('prints a trace whose root has not ended at flush, rather than holding it', async () => {
    const processor = new TreeConsoleProcessor((text) => printed.push(text));
    const session = new Session();
    // The root is still open when the flush comes: its finished spans are printed as they stand.
    configureTelemetry({ application: true, backend: true, flushOnExit: false, spanProcessors: [processor] });
    let release!: () => void;
    const open = session.run(async (m) => {
      await m.act('partial');
      await new Promise<void>((resolve) => (release = resolve));
    });
    await tick(20);
    expect(printed).toHaveLength(0);
    await processor.forceFlush();
    expect(printed).toHaveLength(1);
    expect(spanLines(printed[0]!).map(([depth, name]) => `${depth}:${name}`)).toEqual([
      '0:aact',
      '1:chat',
      '1:requirement_validation',
    ]);
    release();
    await open;
  });
});

describe('MELLEA_TRACE_CONSOLE=tree', () => {
  it('is read as console on, tree format, without a warning; `true` keeps the OpenTelemetry format', () => {
    expect(readTelemetryConfig({ MELLEA_TRACE_CONSOLE: ' Tree ' })).toMatchObject({
      console: true,
      consoleFormat: 'tree',
    });
    expect(readTelemetryConfig({ MELLEA_TRACE_CONSOLE: 'true' })).toMatchObject({
      console: true,
      consoleFormat: 'otel',
    });
    expect(readTelemetryConfig({})).toMatchObject({ console: false, consoleFormat: 'otel' });
    expect(readTelemetryConfig({ MELLEA_TRACE_CONSOLE: 'true' }, { consoleFormat: 'tree' }).consoleFormat).toBe('tree');
    expect(warnings).toEqual([]);
  });

  it('makes `npm run example` print one tree per trace, with durations, when the trace ends', async () => {
    const run = await runTs({ MELLEA_TRACE_CONSOLE: 'tree' });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const headers = run.stdout.match(/^trace [0-9a-f]{32}$/gm) ?? [];
    expect(headers).toHaveLength(1);
    const tree = run.stdout.slice(run.stdout.indexOf(headers[0]!));
    const lines = spanLines(tree);
    expect(lines).toHaveLength(18);
    expect(lines[0]!.slice(0, 3)).toEqual([0, 'session_context', 'mellea.application']);
    for (const [, , , tail] of lines) expect(tail).toMatch(/^ {2}\d+(\.\d+)? (µs|ms|s)\b/);
    // printed once (the example does not repeat it), and before the example's closing line
    expect(run.stdout).not.toContain('Span tree:');
    expect(run.stdout.indexOf(headers[0]!)).toBeLessThan(run.stdout.indexOf('(Span tree printed above'));
    // no OpenTelemetry console blocks
    expect(run.stdout).not.toMatch(/\n {2}name: '/);
  }, 60_000);
});
