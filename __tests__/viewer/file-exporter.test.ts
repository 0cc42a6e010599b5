// The trace file processor on its own: batches become lines, nothing is written synchronously while the
// program runs, short scripts lose nothing however they end, and an unwritable path warns once.
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { configureTelemetry, shutdownTelemetry, traceApplication } from 'mellea-telemetry';
import { TraceFileProcessor } from '../../src/sdk/file-exporter';
import { resetWarnings } from '../../src/warnings';
import { captureWarnings } from '../support/warnings';
import { checkTracesDataLine, runTs } from './support';

const warnings = captureWarnings();
const dir = mkdtempSync(join(tmpdir(), 'mellea-file-exporter-'));
let counter = 0;
const freshPath = () => join(dir, `spans-${++counter}.jsonl`);

/** Ended spans from a real tracer (they are handed to the processor by the test, as the provider would). */
function endedSpans(count: number, name = 'aact'): ReadableSpan[] {
  const tracer = new BasicTracerProvider().getTracer('mellea.application');
  return Array.from({ length: count }, (_, i) => {
    const span = tracer.startSpan(`${name}-${i}`, { attributes: { 'mellea.context_size': i, ok: true } });
    span.end();
    return span as unknown as ReadableSpan;
  });
}

function linesOf(path: string): Record<string, any>[][] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const spans: Record<string, any>[] = [];
      expect(checkTracesDataLine(line, spans)).toEqual([]);
      return spans;
    });
}

afterEach(() => resetWarnings());

describe('TraceFileProcessor', () => {
  it('writes nothing while spans end; one TracesData line per batch when flushed', async () => {
    const path = freshPath();
    const processor = new TraceFileProcessor(path, JsonTraceSerializer, {
      scheduledDelayMillis: 60_000,
      maxExportBatchSize: 100,
    });
    for (const span of endedSpans(5)) processor.onEnd(span);
    expect(fs.existsSync(path)).toBe(false);
    expect(processor.hasPendingSpans()).toBe(true);
    // the append is asynchronous: started by the flush, on disk only once it resolves
    const flushed = processor.forceFlush();
    expect(fs.existsSync(path)).toBe(false);
    await flushed;
    expect(processor.hasPendingSpans()).toBe(false);
    for (const span of endedSpans(2, 'chat')) processor.onEnd(span);
    await processor.shutdown();
    const lines = linesOf(path);
    expect(lines.map((spans) => spans.map((span) => span.name))).toEqual([
      ['aact-0', 'aact-1', 'aact-2', 'aact-3', 'aact-4'],
      ['chat-0', 'chat-1'],
    ]);
    expect(lines[0]![3]!.attributes).toEqual([
      { key: 'mellea.context_size', value: { intValue: '3' } },
      { key: 'ok', value: { boolValue: true } },
    ]);
    expect(processor.admittedSpans()).toBe(7);
  });

  it('writes a full batch without waiting for the timer, and the rest after the delay', async () => {
    const path = freshPath();
    const processor = new TraceFileProcessor(path, JsonTraceSerializer, {
      scheduledDelayMillis: 30,
      maxExportBatchSize: 3,
    });
    for (const span of endedSpans(4)) processor.onEnd(span);
    while (processor.hasPendingSpans()) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(linesOf(path).map((spans) => spans.length)).toEqual([3, 1]);
    await processor.shutdown();
  });

  it('removes its exit hook on shutdown and ignores spans after it', async () => {
    const before = process.listenerCount('exit');
    const path = freshPath();
    const processor = new TraceFileProcessor(path, JsonTraceSerializer, {
      scheduledDelayMillis: 10,
      maxExportBatchSize: 10,
    });
    expect(process.listenerCount('exit')).toBe(before + 1);
    await processor.shutdown();
    expect(process.listenerCount('exit')).toBe(before);
    processor.onEnd(endedSpans(1)[0]!);
    await processor.forceFlush();
    expect(fs.existsSync(path)).toBe(false);
  });

  it('warns once when the path cannot be written, drops the spans, and stops trying', async () => {
    const path = join(dir, 'missing-dir', 'spans.jsonl');
    const processor = new TraceFileProcessor(path, JsonTraceSerializer, {
      scheduledDelayMillis: 60_000,
      maxExportBatchSize: 100,
    });
    for (const span of endedSpans(3)) processor.onEnd(span);
    const failing = processor.forceFlush();
    for (const span of endedSpans(2)) processor.onEnd(span); // collected while the failing append runs
    await expect(failing).resolves.toBeUndefined();
    expect(processor.hasPendingSpans()).toBe(false);
    // even once the folder exists, this run writes no more (one warning, not one per batch)
    fs.mkdirSync(join(dir, 'missing-dir'));
    for (const span of endedSpans(3)) processor.onEnd(span);
    await processor.forceFlush();
    await processor.shutdown();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`cannot write the trace file ${JSON.stringify(path)} (MELLEA_TRACE_FILE)`);
    expect(warnings[0]).toContain('5 span(s) were not written, and no further spans are written to it');
    expect(processor.hasPendingSpans()).toBe(false);
    expect(fs.existsSync(path)).toBe(false);
  });
});

describe('configureTelemetry({ traceFile })', () => {
  it('writes the spans of the configured pipeline to the file, next to the processors given in code', async () => {
    const path = freshPath();
    class Job {
      @traceApplication('session_context')
      async run(): Promise<string> {
        return 'done';
      }
    }
    const config = configureTelemetry({ application: true, traceFile: path, flushOnExit: false });
    expect(config.traceFile).toBe(path);
    await expect(new Job().run()).resolves.toBe('done');
    await shutdownTelemetry();
    configureTelemetry({});
    expect(
      linesOf(path)
        .flat()
        .map((span) => span.name),
    ).toEqual(['session_context']);
  });
});

describe('a short script with MELLEA_TRACE_FILE loses no span, however it ends', () => {
  it.each([
    ['returns (written by the exit flush on beforeExit)', 'return', 0],
    ['calls process.exit() (written in the exit event)', 'exit', 3],
    ['calls shutdownTelemetry()', 'shutdown', 0],
  ])(
    '%s',
    async (_label, mode, exitCode) => {
      const path = freshPath();
      const run = await runTs(
        { MELLEA_TRACE_FILE: path, MELLEA_TRACE_APPLICATION: 'true' },
        '__tests__/viewer/fixtures/short-script.ts',
        [mode],
      );
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: exitCode, stderr: '' });
      expect(run.stdout).toBe('result 30\n');
      const spans = linesOf(path).flat();
      expect(spans.map((span) => span.name).sort()).toEqual(['aact', 'aact', 'session_context']);
    },
    60_000,
  );

  it('writes nothing at exit with MELLEA_TRACE_FLUSH_ON_EXIT=false (the opt-out covers the file too)', async () => {
    const path = freshPath();
    const run = await runTs(
      { MELLEA_TRACE_FILE: path, MELLEA_TRACE_APPLICATION: 'true', MELLEA_TRACE_FLUSH_ON_EXIT: 'false' },
      '__tests__/viewer/fixtures/short-script.ts',
      ['exit'],
    );
    expect(run.code).toBe(3);
    expect(fs.existsSync(path)).toBe(false);
  }, 60_000);
});
