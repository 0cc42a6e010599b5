/** Reading model-server JSON defensively: typed field access and the normalised {@link ModelOutput} pieces. */
import type { ModelOutput, TokenUsage } from '../types';
import { BackendResponseError } from './errors';

/** A backend answer with the tool calls the model asked for, when it asked for any (wire format kept as is). */
export interface ToolCallingOutput extends ModelOutput {
  readonly toolCalls?: readonly unknown[];
}

export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `value` as an object, or a {@link BackendResponseError} naming what was expected. */
export function expectObject(value: unknown, endpoint: string, what: string): JsonObject {
  if (isObject(value)) return value;
  throw new BackendResponseError(`${endpoint} sent ${describe(value)} where ${what} was expected`, endpoint);
}

export function stringField(object: JsonObject | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === 'string' ? value : undefined;
}

export function numberField(object: JsonObject | undefined, key: string): number | undefined {
  const value = object?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function objectField(object: JsonObject | undefined, key: string): JsonObject | undefined {
  const value = object?.[key];
  return isObject(value) ? value : undefined;
}

export function arrayField(object: JsonObject | undefined, key: string): readonly unknown[] | undefined {
  const value = object?.[key];
  return Array.isArray(value) ? value : undefined;
}

/** Usage from input/output counts (total = input + output unless the server said otherwise). */
export function tokenUsage(
  input: number | undefined,
  output: number | undefined,
  total?: number,
): TokenUsage | undefined {
  if (input === undefined && output === undefined) return undefined;
  const inputTokens = input ?? 0;
  const outputTokens = output ?? 0;
  return { inputTokens, outputTokens, totalTokens: total ?? inputTokens + outputTokens };
}

/** The server-side error a stream reported in-band (`{"error": ...}`), as text. */
export function inBandError(event: JsonObject): string | undefined {
  const error = event['error'];
  if (error === undefined || error === null) return undefined;
  if (typeof error === 'string') return error;
  const message = isObject(error) ? error['message'] : undefined;
  return typeof message === 'string' ? message : JSON.stringify(error);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
