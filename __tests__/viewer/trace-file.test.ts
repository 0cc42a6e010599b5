// MELLEA_TRACE_FILE end to end: `npm run example` writes the OTLP File Exporter format (checked line by line
// against the OTLP/JSON TracesData shape), next to console and OTLP export, and `mellea-telemetry view` reads the
// same file back.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/viewer/cli';
import { Receiver } from '../e2e/support/receiver';
import { checkTracesDataLine, otlpAttribute, ROOT, runTs, unresolvedParents, writeExampleTraces } from './support';

const dir = mkdtempSync(join(tmpdir(), 'mellea-trace-file-'));
const file = join(dir, 'traces.jsonl');
let runs: Awaited<ReturnType<typeof writeExampleTraces>>;
let lines: string[];
const spans: Record<string, any>[] = [];

beforeAll(async () => {
  runs = await writeExampleTraces(file);
  lines = readFileSync(file, 'utf8').split('\n');
}, 120_000);

/** Reads the JSON the viewer page embeds. */
function embeddedData(html: string): any {
  const match = /<script type="application\/json" id="trace-data">(.*?)<\/script>/s.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]!);
}

describe('npm run example with MELLEA_TRACE_FILE', () => {
  it('runs as without it (the offline session succeeds, the unreachable one fails with its own error)', () => {
    expect(runs.ok.code).toBe(0);
    expect(runs.ok.stderr).toBe('');
    expect(runs.ok.stdout).toContain('Span tree:');
    expect(runs.failing.code).toBe(1);
    expect(runs.failing.stderr).toContain('The session failed: BackendConnectionError');
  });

  it('writes JSON Lines, UTF-8, one OTLP/JSON TracesData per line, ids as hex, 64-bit numbers as strings', () => {
    expect(lines.at(-1)).toBe(''); // every line ends with a newline
    const written = lines.slice(0, -1);
    expect(written.length).toBeGreaterThanOrEqual(2); // one batch per run at least
    for (const line of written) {
      expect(line).not.toContain('\n');
      expect(checkTracesDataLine(line, spans)).toEqual([]);
    }
    expect(Buffer.from(readFileSync(file)).toString('utf8')).toBe(lines.join('\n'));
  });

  it('holds every span of both runs once, with parent links that resolve inside the file', () => {
    const ids = spans.map((span) => `${span.traceId}/${span.spanId}`);
    expect(new Set(ids).size).toBe(ids.length);
    const traces = new Set(spans.map((span) => span.traceId));
    expect(traces.size).toBe(2);
    expect(unresolvedParents(spans)).toEqual([]);
    const roots = spans.filter((span) => span.parentSpanId === undefined);
    expect(roots.map((span) => span.name)).toEqual(['session_context', 'session_context']);

    const [okTrace] = [...traces];
    const ok = spans.filter((span) => span.traceId === okTrace);
    const count = (name: string) => ok.filter((span) => span.name === name).length;
    expect([count('session_context'), count('aact'), count('chat'), count('requirement_validation')]).toEqual([
      1, 5, 8, 4,
    ]);
    const chat = ok.find((span) => span.name === 'chat')!;
    expect(chat.kind).toBe(3); // CLIENT
    expect(otlpAttribute(chat, 'gen_ai.usage.input_tokens')).toMatch(/^[1-9][0-9]*$/);
    const instruct = ok.find(
      (span) => otlpAttribute(span, 'mellea.action_type') === 'Instruction' && span.name === 'aact',
    )!;
    expect(otlpAttribute(instruct, 'num_generate_logs')).toBe('2');

    const failed = spans.filter((span) => span.traceId !== okTrace);
    const errors = failed.filter((span) => span.status?.code === 2);
    expect(errors.map((span) => span.name).sort()).toEqual(['aact', 'chat', 'session_context']);
    const exception = errors.flatMap((span) => span.events ?? []).find((event) => event.name === 'exception');
    expect(exception).toBeDefined();
  });

  it('is read back by `mellea-telemetry view`: traces, spans, tokens and roll-ups', async () => {
    const out = join(dir, 'viewer.html');
    const output: string[] = [];
    const code = await runCli(['view', file, '--out', out], {
      out: (text) => output.push(text),
      err: (text) => output.push(text),
    });
    expect({ code, output: output.join('') }).toEqual({
      code: 0,
      output: `Wrote ${out}: 2 trace(s), ${spans.length} span(s)\n`,
    });
    const data = embeddedData(readFileSync(out, 'utf8'));
    expect(data.traces.map((trace: any) => [trace.rootName, trace.service, trace.errorCount > 0])).toEqual([
      ['session_context', 'mellea', false],
      ['session_context', 'mellea', true],
    ]);
    const [ok] = data.traces;
    expect(ok.spanCount).toBe(18);
    const tokens = spans
      .filter((span) => span.traceId === ok.id)
      .reduce((sum, span) => sum + Number(otlpAttribute(span, 'gen_ai.usage.input_tokens') ?? 0), 0);
    expect(ok.inputTokens).toBe(tokens);
    expect(ok.rollup).toMatchObject({
      chatCalls: 8,
      retries: 1,
      attempts: 6,
      validations: 4,
      rejectedAttempts: 1,
      failedValidations: 1,
    });
    expect(ok.rollup.models).toEqual([
      { model: 'scripted-1', calls: 8, inputTokens: tokens, outputTokens: ok.outputTokens },
    ]);
    // waterfall order: every span after its parent, one level deeper
    const position = new Map<string, number>(ok.spans.map((span: any, index: number) => [span.id, index]));
    for (const [index, span] of ok.spans.entries()) {
      if (span.parent === undefined) expect(span.depth).toBe(0);
      else {
        expect(position.get(span.parent)).toBeLessThan(index);
        expect(span.depth).toBe(ok.spans[position.get(span.parent)!].depth + 1);
      }
    }
  });

  it('keeps the program unaffected when the path cannot be written: exit 0, same output, one warning', async () => {
    const unwritable = join(dir, 'no-such-dir', 'traces.jsonl');
    const run = await runTs({ MELLEA_TRACE_FILE: unwritable });
    expect(run.code).toBe(0);
    expect(run.stdout.replace(/\d+(\.\d+)? (µs|ms|s)\b/g, 'T')).toBe(
      runs.ok.stdout.replace(/\d+(\.\d+)? (µs|ms|s)\b/g, 'T'),
    );
    const warnings = run.stderr.split('\n').filter((line) => line.includes('MelleaTelemetryWarning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`cannot write the trace file ${JSON.stringify(unwritable)}`);
    expect(warnings[0]).toContain('ENOENT');
  }, 60_000);
});

describe('MELLEA_TRACE_FILE beside the console and OTLP export', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await Receiver.start(['grpc']);
  });
  afterAll(() => receiver.close());

  it('writes the same spans to the file as it sends over OTLP, and still prints them', async () => {
    const both = join(dir, 'beside-otlp.jsonl');
    const run = await runTs({
      MELLEA_TRACE_FILE: both,
      MELLEA_TRACE_CONSOLE: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint,
      OTEL_SERVICE_NAME: 'trace-file-beside-otlp',
    });
    expect(run.code).toBe(0);
    const received = await receiver.waitForCount('trace-file-beside-otlp', 18);
    const inFile: Record<string, any>[] = [];
    for (const line of readFileSync(both, 'utf8').trim().split('\n'))
      expect(checkTracesDataLine(line, inFile)).toEqual([]);
    const key = (span: Record<string, any>) => `${span.traceId}/${span.spanId}/${span.name}`;
    expect(inFile.map(key).sort()).toEqual(received.map(key).sort());
    expect([...run.stdout.matchAll(/\n {2}name: '([^']+)'/g)]).toHaveLength(18); // OpenTelemetry's console format
  }, 60_000);
});

it('the bin writes traces.html in the current directory by default', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'mellea-view-cwd-'));
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { stdout } = await promisify(execFile)(
    join(ROOT, 'node_modules', '.bin', 'tsx'),
    [join(ROOT, 'src', 'viewer', 'bin.ts'), 'view', file],
    { cwd },
  );
  expect(stdout).toBe(`Wrote ${join(cwd, 'traces.html')}: 2 trace(s), ${spans.length} span(s)\n`);
  expect(embeddedData(readFileSync(join(cwd, 'traces.html'), 'utf8')).traces).toHaveLength(2);
}, 60_000);
