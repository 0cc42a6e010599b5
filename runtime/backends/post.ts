/**
 * POST over Node's `http`/`https`, answered as a fetch `Response` — for streamed answers, because it also gives
 * a handle on the connection's hold on the event loop: a stream waiting for its consumer to pull the next chunk
 * releases it, so an iterator the app dropped without `return()` does not keep a finished program alive (fetch's
 * socket would, until the server closed or the request timed out).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';

/** A response and the switch of its connection's hold on the process (`true`: keeps it alive, as by default). */
export interface HeldResponse {
  readonly response: Response;
  hold(holding: boolean): void;
  /** Ends the exchange now (the consumer stopped early, or it failed): the connection is closed. */
  abandon(): void;
}

/** What a POST needs. */
export interface PostInit {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly signal: AbortSignal;
}

/** Sends one POST; rejects with the network error (its `code`: ECONNREFUSED...) or the abort reason. */
export function postWithHold(url: string, init: PostInit): Promise<HeldResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = (target.protocol === 'https:' ? https : http).request(target, {
      method: 'POST',
      headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
      signal: init.signal,
    });
    request.on('error', reject);
    request.on('response', (message) => {
      try {
        const headers = new Headers();
        for (const [name, value] of Object.entries(message.headers)) {
          for (const each of Array.isArray(value) ? value : value === undefined ? [] : [value])
            headers.append(name, each);
        }
        const status = message.statusCode ?? 0;
        const body = status === 204 || status === 304 ? null : (Readable.toWeb(message) as ReadableStream<Uint8Array>);
        const response = new Response(body, { status, statusText: message.statusMessage ?? '', headers });
        const socket = message.socket;
        resolve({
          response,
          hold: (holding) => void (holding ? socket?.ref() : socket?.unref()),
          abandon: () => void request.destroy(),
        });
      } catch (error) {
        message.destroy();
        reject(error);
      }
    });
    request.end(init.body);
  });
}
