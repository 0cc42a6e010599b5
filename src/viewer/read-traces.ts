/**
 * Reads OTLP/JSON trace files (JSON Lines of `TracesData`: what `MELLEA_TRACE_FILE` and the OpenTelemetry
 * Collector's `fileexporter` write) into traces ready to show: spans in tree order with their depth, times in
 * milliseconds from the trace's start, and per-trace totals and GenAI roll-ups. Lenient where writers differ
 * (ints as numbers or strings, enum names or numbers, base64 ids, older `instrumentationLibrarySpans`); lines
 * that are not JSON are counted and skipped; lines of other signals (logs, metrics) are ignored.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import {
  APPLICATION_TRACER_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_MELLEA_REQUIREMENT_PASSED,
  ATTR_NUM_GENERATE_LOGS,
  ATTR_SAMPLING_SUCCESS,
  ATTR_SERVICE_NAME,
  BACKEND_TRACER_NAME,
  OPERATION_CHAT,
  SPAN_REQUIREMENT_VALIDATION,
} from '../semconv';

/** An attribute value as the page shows it. */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
/** Attributes as `[key, value]` pairs, in the order the file lists them. */
export type Attributes = [string, AttributeValue][];

export type StatusCode = 'UNSET' | 'OK' | 'ERROR';

export interface ViewerEvent {
  readonly name: string;
  /** Milliseconds from the trace's start. */
  readonly time: number;
  readonly attributes: Attributes;
}

export interface ViewerSpan {
  readonly id: string;
  /** The parent span id as the file gives it (may be absent from the file: see `orphan`). */
  readonly parent: string | undefined;
  /** Nesting depth in the waterfall (0: a root). */
  depth: number;
  /** The span names a parent that is not in the file(s). */
  orphan: boolean;
  readonly name: string;
  readonly kind: string;
  readonly scope: string;
  readonly scopeVersion: string | undefined;
  /** `application`, `backend` or `other`: the colour of its bar. */
  readonly lane: 'application' | 'backend' | 'other';
  /** Milliseconds from the trace's start (set once the trace is assembled). */
  start: number;
  readonly duration: number;
  readonly status: { readonly code: StatusCode; readonly message: string | undefined };
  readonly attributes: Attributes;
  events: ViewerEvent[];
  /** Index into {@link ViewerData.resources}. */
  readonly resource: number;
  /** Absolute start, epoch milliseconds (µs precision). */
  readonly startEpochMs: number;
  readonly rawEvents: { name: string; epochMs: number; attributes: Attributes }[];
}

export interface ModelUsage {
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
}

export interface TraceRollup {
  readonly models: ModelUsage[];
  /** Spans with `gen_ai.operation.name=chat`. */
  readonly chatCalls: number;
  /** Σ `num_generate_logs` over the spans that record it (generation attempts). */
  readonly attempts: number;
  /** Σ (`num_generate_logs` − 1): attempts beyond the first. */
  readonly retries: number;
  /** `requirement_validation` spans. */
  readonly validations: number;
  /** Attempts rejected by a requirement (each had at least one failed validation): retries, plus the last attempt when `sampling_success=false`. */
  readonly rejectedAttempts: number;
  /** `requirement_validation` spans that ended with ERROR (the check itself failed). */
  readonly validationErrors: number;
  /** `requirement_validation` spans whose requirement was not met (`mellea.requirement.passed=false`). */
  readonly failedValidations: number;
}

export interface ViewerTrace {
  readonly id: string;
  readonly rootName: string;
  readonly service: string;
  /** Epoch milliseconds. */
  readonly start: number;
  readonly duration: number;
  readonly spanCount: number;
  readonly errorCount: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly rollup: TraceRollup;
  /** Depth-first, children in start order: the waterfall's rows. */
  readonly spans: ViewerSpan[];
}

export interface SourceSummary {
  readonly file: string;
  readonly lines: number;
  readonly spans: number;
  /** Lines that were not JSON (first one's number in `firstBadLine`). */
  readonly skipped: number;
  readonly firstBadLine: number | undefined;
}

export interface ViewerData {
  readonly sources: SourceSummary[];
  readonly resources: Attributes[];
  /** Oldest first. */
  readonly traces: ViewerTrace[];
  readonly spanCount: number;
}

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS: StatusCode[] = ['UNSET', 'OK', 'ERROR'];

type Json = Record<string, any>;

/** Reads and assembles the given files (in order; a span listed twice is kept once). */
export async function readTraceFiles(files: readonly string[]): Promise<ViewerData> {
  const collector = new SpanCollector();
  const sources: SourceSummary[] = [];
  for (const file of files) sources.push(await collector.readFile(file));
  return collector.finish(sources);
}

/** Assembles traces from `TracesData` objects already parsed (one per line of a file). */
export function tracesFromLines(lines: readonly string[], file = '(input)'): ViewerData {
  const collector = new SpanCollector();
  const source = collector.readLines(lines, file);
  return collector.finish([source]);
}

class SpanCollector {
  private readonly spans = new Map<string, ViewerSpan & { traceId: string }>();
  private readonly resources: Attributes[] = [];
  private readonly resourceIndex = new Map<string, number>();

  async readFile(file: string): Promise<SourceSummary> {
    const counter = this.counter(file);
    const input = createReadStream(file, { encoding: 'utf8' });
    const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of reader) counter.add(line);
    const summary = counter.summary();
    // No line was JSON: perhaps one pretty-printed TracesData (as in the OTLP examples), not JSON Lines.
    if (summary.spans === 0 && summary.skipped > 0) {
      try {
        const spans = this.addTracesData(JSON.parse(await readFile(file, 'utf8')));
        return { ...summary, spans, skipped: 0, firstBadLine: undefined };
      } catch {
        // not JSON as a whole either: report the lines
      }
    }
    return summary;
  }

  readLines(lines: readonly string[], file: string): SourceSummary {
    const counter = this.counter(file);
    for (const line of lines) counter.add(line);
    return counter.summary();
  }

  private counter(file: string) {
    let lines = 0;
    let spans = 0;
    let skipped = 0;
    let firstBadLine: number | undefined;
    return {
      add: (line: string) => {
        lines += 1;
        if (line.trim() === '') return;
        let data: Json;
        try {
          data = JSON.parse(line);
        } catch {
          skipped += 1;
          firstBadLine ??= lines;
          return;
        }
        spans += this.addTracesData(data);
      },
      summary: (): SourceSummary => ({ file, lines, spans, skipped, firstBadLine }),
    };
  }

  /** Adds the spans of one `TracesData`; returns how many it held. */
  private addTracesData(data: Json): number {
    let count = 0;
    for (const resourceSpans of asArray(data?.['resourceSpans'])) {
      const resource = this.resourceOf(attributesOf(resourceSpans?.resource?.attributes));
      const scopes = asArray(resourceSpans?.['scopeSpans'] ?? resourceSpans?.['instrumentationLibrarySpans']);
      for (const scopeSpans of scopes) {
        const scope = scopeSpans?.scope ?? scopeSpans?.instrumentationLibrary ?? {};
        for (const raw of asArray(scopeSpans?.spans)) {
          const span = toSpan(raw, String(scope.name ?? ''), scope.version, resource);
          if (span === undefined) continue;
          count += 1;
          this.spans.set(`${span.traceId}/${span.id}`, span);
        }
      }
    }
    return count;
  }

  private resourceOf(attributes: Attributes): number {
    const key = JSON.stringify(attributes);
    let index = this.resourceIndex.get(key);
    if (index === undefined) {
      index = this.resources.push(attributes) - 1;
      this.resourceIndex.set(key, index);
    }
    return index;
  }

  finish(sources: SourceSummary[]): ViewerData {
    const byTrace = new Map<string, ViewerSpan[]>();
    for (const span of this.spans.values()) {
      let list = byTrace.get(span.traceId);
      if (list === undefined) byTrace.set(span.traceId, (list = []));
      const { traceId: _traceId, ...rest } = span;
      list.push(rest);
    }
    const traces = [...byTrace].map(([id, spans]) => assembleTrace(id, spans, this.resources));
    traces.sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
    return { sources, resources: this.resources, traces, spanCount: this.spans.size };
  }
}

function asArray(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/** A hex id; base64 (the protobuf JSON default some writers use) is converted. Empty or invalid: undefined. */
const HEX_ID = /^[0-9a-fA-F]+$/;

function idOf(raw: unknown, bytes: number): string | undefined {
  if (typeof raw !== 'string' || raw === '') return undefined;
  if (raw.length === bytes * 2 && HEX_ID.test(raw)) return raw.toLowerCase();
  const decoded = Buffer.from(raw, 'base64');
  return decoded.length === bytes ? decoded.toString('hex') : undefined;
}

/** Nanoseconds (string or number) → epoch milliseconds, keeping microseconds. */
function epochMs(raw: unknown): number {
  try {
    return Number(BigInt(String(raw ?? 0).split('.')[0]!) / 1000n) / 1000;
  } catch {
    return 0;
  }
}

function enumOf(raw: unknown, names: readonly string[], prefix: string): string {
  if (typeof raw === 'number') return names[raw] ?? names[0]!;
  if (typeof raw === 'string') {
    const name = raw.startsWith(prefix) ? raw.slice(prefix.length) : raw;
    if (names.includes(name)) return name;
  }
  return names[0]!;
}

function valueOf(raw: Json | undefined): AttributeValue {
  if (raw === null || typeof raw !== 'object') return null;
  if ('stringValue' in raw) return String(raw['stringValue']);
  if ('boolValue' in raw) return raw['boolValue'] === true || raw['boolValue'] === 'true';
  if ('intValue' in raw) {
    const value = Number(raw['intValue']);
    return Number.isSafeInteger(value) ? value : String(raw['intValue']);
  }
  if ('doubleValue' in raw) return Number(raw['doubleValue']);
  if ('arrayValue' in raw) return asArray(raw['arrayValue']?.values).map(valueOf);
  if ('kvlistValue' in raw) return Object.fromEntries(attributesOf(raw['kvlistValue']?.values));
  if ('bytesValue' in raw) return String(raw['bytesValue']);
  return null;
}

function attributesOf(raw: unknown): Attributes {
  return asArray(raw)
    .filter((entry) => typeof entry?.key === 'string')
    .map((entry) => [entry.key as string, valueOf(entry.value)]);
}

function toSpan(
  raw: Json,
  scope: string,
  scopeVersion: unknown,
  resource: number,
): (ViewerSpan & { traceId: string }) | undefined {
  const traceId = idOf(raw?.['traceId'], 16);
  const id = idOf(raw?.['spanId'], 8);
  if (traceId === undefined || id === undefined) return undefined;
  const startEpochMs = epochMs(raw['startTimeUnixNano']);
  const endEpochMs = epochMs(raw['endTimeUnixNano']);
  const status = raw['status'] ?? {};
  return {
    traceId,
    id,
    parent: idOf(raw['parentSpanId'], 8),
    depth: 0,
    orphan: false,
    name: String(raw['name'] ?? ''),
    kind: enumOf(raw['kind'], KINDS, 'SPAN_KIND_'),
    scope,
    scopeVersion: scopeVersion === undefined ? undefined : String(scopeVersion),
    lane: scope === APPLICATION_TRACER_NAME ? 'application' : scope === BACKEND_TRACER_NAME ? 'backend' : 'other',
    start: 0,
    duration: Math.max(0, endEpochMs - startEpochMs),
    status: {
      code: enumOf(status.code, STATUS, 'STATUS_CODE_') as StatusCode,
      message: typeof status.message === 'string' && status.message !== '' ? status.message : undefined,
    },
    attributes: attributesOf(raw['attributes']),
    events: [],
    resource,
    startEpochMs,
    rawEvents: asArray(raw['events']).map((event) => ({
      name: String(event?.name ?? ''),
      epochMs: epochMs(event?.timeUnixNano),
      attributes: attributesOf(event?.attributes),
    })),
  };
}

function attribute(span: ViewerSpan, key: string): AttributeValue | undefined {
  for (const [name, value] of span.attributes) if (name === key) return value;
  return undefined;
}

function numberAttribute(span: ViewerSpan, key: string): number {
  const value = Number(attribute(span, key));
  return Number.isFinite(value) ? value : 0;
}

function assembleTrace(id: string, spans: ViewerSpan[], resources: Attributes[]): ViewerTrace {
  const byId = new Map(spans.map((span) => [span.id, span]));
  const children = new Map<string, ViewerSpan[]>();
  const roots: ViewerSpan[] = [];
  for (const span of spans) {
    const parent = span.parent === undefined ? undefined : byId.get(span.parent);
    if (parent === undefined || parent === span) {
      span.orphan = span.parent !== undefined;
      roots.push(span);
    } else {
      let list = children.get(parent.id);
      if (list === undefined) children.set(parent.id, (list = []));
      list.push(span);
    }
  }
  const byStart = (a: ViewerSpan, b: ViewerSpan): number =>
    a.startEpochMs - b.startEpochMs || Number(a.orphan) - Number(b.orphan) || a.name.localeCompare(b.name);
  roots.sort(byStart);
  // Depth first without recursion (a deep chain must not overflow the stack); a cycle is cut by `seen`.
  const ordered: ViewerSpan[] = [];
  const seen = new Set<ViewerSpan>();
  const stack = [...roots].reverse().map((span) => ({ span, depth: 0 }));
  while (stack.length > 0) {
    const { span, depth } = stack.pop()!;
    if (seen.has(span)) continue;
    seen.add(span);
    span.depth = depth;
    ordered.push(span);
    const kids = children.get(span.id);
    if (kids !== undefined) {
      kids.sort(byStart);
      for (let index = kids.length - 1; index >= 0; index -= 1) stack.push({ span: kids[index]!, depth: depth + 1 });
    }
  }
  // Spans caught in a parent cycle never reached from a root: shown as roots, so none is lost.
  for (const span of spans) if (!seen.has(span)) ordered.push(Object.assign(span, { depth: 0, orphan: true }));

  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const span of ordered) {
    start = Math.min(start, span.startEpochMs);
    end = Math.max(end, span.startEpochMs + span.duration);
  }
  for (const span of ordered) {
    span.start = span.startEpochMs - start;
    span.events = span.rawEvents.map((event) => ({
      name: event.name,
      time: event.epochMs - start,
      attributes: event.attributes,
    }));
  }
  const root = ordered[0]!;
  const service = resources[root.resource]?.find(([key]) => key === ATTR_SERVICE_NAME)?.[1];
  return {
    id,
    rootName: root.name,
    service: typeof service === 'string' ? service : '',
    start,
    duration: end - start,
    spanCount: ordered.length,
    errorCount: ordered.filter((span) => span.status.code === 'ERROR').length,
    inputTokens: ordered.reduce((sum, span) => sum + numberAttribute(span, ATTR_GEN_AI_USAGE_INPUT_TOKENS), 0),
    outputTokens: ordered.reduce((sum, span) => sum + numberAttribute(span, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS), 0),
    rollup: rollupOf(ordered),
    spans: ordered,
  };
}

function rollupOf(spans: readonly ViewerSpan[]): TraceRollup {
  const models = new Map<string, ModelUsage>();
  let chatCalls = 0;
  let attempts = 0;
  let retries = 0;
  let validations = 0;
  let rejectedAttempts = 0;
  let validationErrors = 0;
  let failedValidations = 0;
  for (const span of spans) {
    const operation = attribute(span, ATTR_GEN_AI_OPERATION_NAME);
    const input = numberAttribute(span, ATTR_GEN_AI_USAGE_INPUT_TOKENS);
    const output = numberAttribute(span, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS);
    if (operation === OPERATION_CHAT) chatCalls += 1;
    if (operation !== undefined || input > 0 || output > 0) {
      const model = String(
        attribute(span, ATTR_GEN_AI_RESPONSE_MODEL) ?? attribute(span, ATTR_GEN_AI_REQUEST_MODEL) ?? '(unknown model)',
      );
      let usage = models.get(model);
      if (usage === undefined) models.set(model, (usage = { model, calls: 0, inputTokens: 0, outputTokens: 0 }));
      usage.calls += 1;
      usage.inputTokens += input;
      usage.outputTokens += output;
    }
    const generated = numberAttribute(span, ATTR_NUM_GENERATE_LOGS);
    if (generated > 0) {
      attempts += generated;
      retries += generated - 1;
      rejectedAttempts += attribute(span, ATTR_SAMPLING_SUCCESS) === false ? generated : generated - 1;
    }
    if (span.name === SPAN_REQUIREMENT_VALIDATION) {
      validations += 1;
      if (span.status.code === 'ERROR') validationErrors += 1;
      if (attribute(span, ATTR_MELLEA_REQUIREMENT_PASSED) === false) failedValidations += 1;
    }
  }
  return {
    models: [...models.values()].sort((a, b) => b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens)),
    chatCalls,
    attempts,
    retries,
    validations,
    rejectedAttempts,
    validationErrors,
    failedValidations,
  };
}
