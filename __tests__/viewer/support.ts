/**
 * Shared by the trace-file and viewer tests: running `npm run example` (tsx, child process, clean environment)
 * and checking lines against the OTLP/JSON `TracesData` shape the Collector's fileexporter writes.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = join(__dirname, '..', '..');
const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs `script` (default: the telemetry example) with only `extra` of the MELLEA_/OTEL_ variables set. */
export async function runTs(
  extra: Record<string, string>,
  script = 'docs/examples/telemetry/telemetry_example.ts',
  args: string[] = [],
) {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(MELLEA_|OTEL_|OPENAI_)/.test(key) && key !== 'NODE_OPTIONS') env[key] = value;
  }
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, [script, ...args], {
      cwd: ROOT,
      env: { ...env, ...extra },
      timeout: 60_000,
    });
    return { stdout, stderr, code: 0 } as RunResult;
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code } as RunResult;
  }
}

/** A loopback port with nothing listening (the example's backend then fails: ERROR spans). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Appends two runs of the example to `file`: the offline session (one trace, retries, tokens) and a session
 * against an unreachable Ollama server (a trace whose spans end with ERROR).
 */
export async function writeExampleTraces(file: string): Promise<{ ok: RunResult; failing: RunResult }> {
  const ok = await runTs({ MELLEA_TRACE_FILE: file });
  const port = await closedPort();
  const failing = await runTs({
    MELLEA_TRACE_FILE: file,
    MELLEA_BACKEND: 'ollama',
    MELLEA_BASE_URL: `http://127.0.0.1:${port}`,
  });
  return { ok, failing };
}

type Json = Record<string, any>;

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const UINT64 = /^[0-9]+$/;
const INT64 = /^-?[0-9]+$/;
const VALUE_KINDS = ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'];

function checkValue(value: Json, where: string, problems: string[]): void {
  const kinds = Object.keys(value ?? {});
  if (kinds.length !== 1 || !VALUE_KINDS.includes(kinds[0]!)) {
    problems.push(`${where}: AnyValue with fields ${JSON.stringify(kinds)}`);
    return;
  }
  const inner = value[kinds[0]!];
  if (kinds[0] === 'intValue' && !(typeof inner === 'string' && INT64.test(inner)))
    problems.push(`${where}: intValue ${JSON.stringify(inner)} is not an int64 string`);
  if (kinds[0] === 'stringValue' && typeof inner !== 'string') problems.push(`${where}: stringValue not a string`);
  if (kinds[0] === 'boolValue' && typeof inner !== 'boolean') problems.push(`${where}: boolValue not a boolean`);
  if (kinds[0] === 'doubleValue' && typeof inner !== 'number') problems.push(`${where}: doubleValue not a number`);
  if (kinds[0] === 'arrayValue')
    (inner?.values ?? []).forEach((item: Json, i: number) => {
      checkValue(item, `${where}[${i}]`, problems);
    });
}

function checkAttributes(attributes: unknown, where: string, problems: string[]): void {
  if (attributes === undefined) return;
  if (!Array.isArray(attributes)) {
    problems.push(`${where}: attributes is not an array`);
    return;
  }
  for (const entry of attributes) {
    if (typeof entry?.key !== 'string') problems.push(`${where}: attribute without a string key`);
    else checkValue(entry.value, `${where}.${entry.key}`, problems);
  }
}

/** Problems of one line as an OTLP/JSON `TracesData` (empty: the line is well-formed); collects its spans. */
export function checkTracesDataLine(line: string, spans: Json[] = []): string[] {
  const problems: string[] = [];
  let data: Json;
  try {
    data = JSON.parse(line);
  } catch (error) {
    return [`not JSON: ${(error as Error).message}`];
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return ['not a JSON object'];
  const extra = Object.keys(data).filter((key) => key !== 'resourceSpans');
  if (extra.length > 0) problems.push(`TracesData has unexpected fields ${extra.join(', ')}`);
  if (!Array.isArray(data['resourceSpans']) || data['resourceSpans'].length === 0)
    return [...problems, 'resourceSpans is not a non-empty array'];
  data['resourceSpans'].forEach((resourceSpans: Json, r: number) => {
    checkAttributes(resourceSpans.resource?.attributes, `resourceSpans[${r}].resource`, problems);
    if (!Array.isArray(resourceSpans.scopeSpans)) problems.push(`resourceSpans[${r}].scopeSpans is not an array`);
    (resourceSpans.scopeSpans ?? []).forEach((scopeSpans: Json, s: number) => {
      const where = `resourceSpans[${r}].scopeSpans[${s}]`;
      if (typeof scopeSpans.scope?.name !== 'string') problems.push(`${where}.scope.name is not a string`);
      if (!Array.isArray(scopeSpans.spans)) problems.push(`${where}.spans is not an array`);
      (scopeSpans.spans ?? []).forEach((span: Json, i: number) => {
        const at = `${where}.spans[${i}] (${span.name})`;
        spans.push(span);
        if (!HEX32.test(span.traceId) || /^0+$/.test(span.traceId))
          problems.push(`${at}: traceId ${span.traceId} is not 32 hex digits`);
        if (!HEX16.test(span.spanId) || /^0+$/.test(span.spanId))
          problems.push(`${at}: spanId ${span.spanId} is not 16 hex digits`);
        if (span.parentSpanId !== undefined && !HEX16.test(span.parentSpanId))
          problems.push(`${at}: parentSpanId ${span.parentSpanId} is not 16 hex digits`);
        if (typeof span.name !== 'string' || span.name === '') problems.push(`${at}: no name`);
        if (!Number.isInteger(span.kind) || span.kind < 0 || span.kind > 5) problems.push(`${at}: kind ${span.kind}`);
        for (const key of ['startTimeUnixNano', 'endTimeUnixNano']) {
          if (typeof span[key] !== 'string' || !UINT64.test(span[key]))
            problems.push(`${at}: ${key} ${JSON.stringify(span[key])} is not a uint64 string`);
        }
        if (BigInt(span.endTimeUnixNano ?? 0) < BigInt(span.startTimeUnixNano ?? 0)) problems.push(`${at}: ends first`);
        checkAttributes(span.attributes, at, problems);
        for (const event of span.events ?? []) {
          if (typeof event.timeUnixNano !== 'string' || !UINT64.test(event.timeUnixNano))
            problems.push(`${at}: event time is not a uint64 string`);
          checkAttributes(event.attributes, `${at}.event ${event.name}`, problems);
        }
        if (span.status !== undefined && ![undefined, 0, 1, 2].includes(span.status.code))
          problems.push(`${at}: status code ${span.status.code}`);
      });
    });
  });
  return problems;
}

/** Parent ids that name no span of the same trace among `spans`. */
export function unresolvedParents(spans: readonly Json[]): string[] {
  const ids = new Set(spans.map((span) => `${span.traceId}/${span.spanId}`));
  return spans
    .filter((span) => span.parentSpanId !== undefined && !ids.has(`${span.traceId}/${span.parentSpanId}`))
    .map((span) => `${span.name} ${span.spanId} → ${span.parentSpanId}`);
}

/** The value of attribute `key` of an OTLP/JSON span, as JSON gives it. */
export function otlpAttribute(span: Json, key: string): unknown {
  const value = (span.attributes ?? []).find((entry: Json) => entry.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
}
