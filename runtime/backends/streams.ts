/**
 * Streaming wire formats: the lines of a response body, Server-Sent Events (OpenAI) and NDJSON (Ollama). Every
 * reader is bounded (docs/backends.md, "Limits"): a broken or hostile server gets a {@link BackendStreamLimitError},
 * never an unbounded buffer.
 */
import { BackendStreamLimitError } from './errors';

/** A line longer than this (no newline in 8 MiB) is a broken stream, not an answer worth buffering. */
export const MAX_LINE_CHARS = 8 * 1024 * 1024;
/** One SSE event (its `data:` lines joined) longer than this is refused: events of a chat stream are a few KiB. */
export const MAX_EVENT_CHARS = 8 * 1024 * 1024;
/** A streamed response larger than this is refused (a long generation is a few MiB of SSE or NDJSON). */
export const MAX_STREAM_BYTES = 256 * 1024 * 1024;

/**
 * Yields the lines of `body` (without `\n` / `\r\n`) as they arrive. Stopping early (or a failure) cancels the
 * body, so the connection is released.
 */
export async function* readLines(body: ReadableStream<Uint8Array>, endpoint: string): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let bytes = 0;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > MAX_STREAM_BYTES) throw new BackendStreamLimitError(endpoint, 'response', MAX_STREAM_BYTES);
      buffer += decoder.decode(value, { stream: true });
      let start = 0;
      for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n', start)) {
        const end = newline > start && buffer.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
        yield buffer.slice(start, end);
        start = newline + 1;
      }
      buffer = buffer.slice(start);
      if (buffer.length > MAX_LINE_CHARS) throw new BackendStreamLimitError(endpoint, 'line', MAX_LINE_CHARS);
    }
    finished = true;
    buffer += decoder.decode();
    if (buffer !== '') yield buffer;
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/**
 * Reads a response body as text, at most `maxBytes` of it: a longer body is cut there (and its download
 * cancelled), `truncated` saying so.
 */
export async function readBody(response: Response, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  if (response.body === null) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode(), truncated: false };
      if (bytes + value.byteLength > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return { text: text + decoder.decode(value.subarray(0, maxBytes - bytes)), truncated: true };
      }
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * The `data` payloads of a Server-Sent Events stream, one per event (multi-line data joined with `\n`);
 * comments, `event:`, `id:` and `retry:` fields are skipped. An event over {@link MAX_EVENT_CHARS} (data lines
 * that never end in a blank line) is a {@link BackendStreamLimitError}.
 */
export async function* sseData(lines: AsyncIterable<string>, endpoint: string): AsyncGenerator<string> {
  let data: string[] = [];
  let size = 0;
  for await (const line of lines) {
    if (line === '') {
      if (data.length > 0) yield data.join('\n');
      data = [];
      size = 0;
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    if (field !== 'data') continue;
    const value = colon < 0 ? '' : line.slice(colon + 1);
    size += value.length + 1;
    if (size > MAX_EVENT_CHARS) throw new BackendStreamLimitError(endpoint, 'event', MAX_EVENT_CHARS);
    data.push(value.startsWith(' ') ? value.slice(1) : value);
  }
  if (data.length > 0) yield data.join('\n');
}
