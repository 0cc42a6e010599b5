/**
 * Wire formats for the real client SDKs, served slowly enough that "the span ended after the last chunk" means
 * something: Server-Sent Events (OpenAI `data:` lines, Anthropic `event:` + `data:`) and NDJSON (Ollama), one
 * event every `gapMs`, optionally stopping mid-way (held open, or the connection reset).
 */
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface StreamPlan {
  /** Milliseconds between events (default 15). */
  gapMs?: number;
  /** After the events: end the response (default), keep it open, or reset the connection. */
  after?: 'end' | 'hold' | 'reset';
}

/** When the server wrote its last event (performance time origin, ms since the epoch: as span times). */
export interface StreamLog {
  lastWriteAt: number;
}

const now = (): number => performance.timeOrigin + performance.now();
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function writeSlowly(
  res: ServerResponse,
  contentType: string,
  frames: readonly string[],
  plan: StreamPlan,
  log?: StreamLog,
): Promise<void> {
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' });
  for (const frame of frames) {
    if (res.destroyed) return;
    res.write(frame);
    if (log) log.lastWriteAt = now();
    await sleep(plan.gapMs ?? 15);
  }
  if (plan.after === 'hold') {
    // Held open until the client lets go (a test checks that it does); never longer than the test.
    const timer = setTimeout(() => res.destroy(), 4000).unref();
    res.on('close', () => clearTimeout(timer));
    return;
  }
  if (plan.after === 'reset') {
    res.socket?.resetAndDestroy();
    return;
  }
  res.end();
}

/** OpenAI SSE: `data: {json}` per event, then `data: [DONE]` unless the stream is cut. */
export function serveOpenAiSse(
  res: ServerResponse,
  events: readonly unknown[],
  plan: StreamPlan = {},
  log?: StreamLog,
) {
  const frames = events.map((event) => `data: ${JSON.stringify(event)}\n\n`);
  if ((plan.after ?? 'end') === 'end') frames.push('data: [DONE]\n\n');
  return writeSlowly(res, 'text/event-stream', frames, plan, log);
}

/** Anthropic SSE: `event: <type>` and `data: {json}` per event. */
export function serveAnthropicSse(
  res: ServerResponse,
  events: readonly { type: string }[],
  plan: StreamPlan = {},
  log?: StreamLog,
) {
  const frames = events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  return writeSlowly(res, 'text/event-stream', frames, plan, log);
}

/** Ollama NDJSON: one JSON object per line. */
export function serveNdjson(res: ServerResponse, lines: readonly unknown[], plan: StreamPlan = {}, log?: StreamLog) {
  return writeSlowly(
    res,
    'application/x-ndjson',
    lines.map((line) => `${JSON.stringify(line)}\n`),
    plan,
    log,
  );
}

/** A span time (`[seconds, nanoseconds]`) in milliseconds since the epoch. */
export function msOf(time: readonly [number, number]): number {
  return time[0] * 1000 + time[1] / 1e6;
}

/**
 * Whether `span` ended at or after `moment` (consumer clock). The SDK anchors a span's start to `Date.now()`
 * (whole milliseconds) and measures its duration with `performance.now()`, so absolute times differ from this
 * clock by up to a millisecond; durations do not. `calledAt` was taken just before the traced call started the
 * span (its start is later), so "duration ≥ moment − calledAt" means the span ended after `moment`.
 */
export function endedAfter(
  span: { startTime: readonly [number, number]; endTime: readonly [number, number] },
  calledAt: number,
  moment: number,
): boolean {
  return msOf(span.endTime) - msOf(span.startTime) >= moment - calledAt;
}

/** The consumer's clock, in the same time base as span times. */
export const consumerNow = now;

/** Resolves true when `promise` settles within `ms`, false otherwise. */
export function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([promise.then(() => true), sleep(ms).then(() => false)]);
}

/** Reads `stream` to its end and returns what it threw (undefined when it did not). */
export async function errorWhileReading(stream: AsyncIterable<unknown>, onChunk?: (chunk: unknown) => void) {
  try {
    for await (const chunk of stream) onChunk?.(chunk);
  } catch (error) {
    return error;
  }
  return undefined;
}
