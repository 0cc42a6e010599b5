/** Defensive readers for user objects: a throwing getter or an odd value yields `undefined`, never an error. */
import { describeError, warnOnce } from '../warnings';

/** `object[key]`, or undefined when `object` is not an object or the getter throws (warned once per key). */
export function readProperty(object: unknown, key: string): unknown {
  if (object === null || (typeof object !== 'object' && typeof object !== 'function')) return undefined;
  try {
    return (object as Record<string, unknown>)[key];
  } catch (error) {
    warnOnce(
      `getter:${key}`,
      `reading "${key}" for a span attribute threw; the attribute is left out: ${describeError(error)}`,
    );
    return undefined;
  }
}

/** The class name of an instance (`constructor.name`); a plain object's string `kind`/`type` if it has one. */
export function classNameOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const name = (readProperty(value, 'constructor') as { name?: unknown } | undefined)?.name;
  if (typeof name === 'string' && name !== '' && name !== 'Object') return name;
  const kind = readProperty(value, 'kind') ?? readProperty(value, 'type');
  return typeof kind === 'string' ? kind : typeof name === 'string' && name !== '' ? name : undefined;
}

/** A context's size: its numeric `size`, else its numeric `length`. */
export function sizeOf(value: unknown): number | undefined {
  const size = readProperty(value, 'size');
  if (typeof size === 'number') return size;
  const length = readProperty(value, 'length');
  return typeof length === 'number' ? length : undefined;
}

/** The first of `keys` whose value on `object` is not undefined/null. */
export function firstDefined(object: unknown, keys: readonly string[]): unknown {
  for (const key of keys) {
    const value = readProperty(object, key);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/** An options argument: a non-null, non-array object (class instances included). */
export function asOptions(value: unknown): object | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

/** A format's name for `mellea.format_type`: a class or function name, a string, a schema `title`, a class name. */
export function formatTypeName(format: unknown): string | undefined {
  if (format === undefined || format === null) return undefined;
  if (typeof format === 'function') return format.name || 'anonymous';
  if (typeof format === 'string') return format;
  const title = readProperty(format, 'title');
  if (typeof title === 'string' && title !== '') return title;
  return classNameOf(format) ?? 'object';
}
