import type { AttributeValue } from '@opentelemetry/api';

/** What an attribute extractor may return: any value; it is coerced to an OpenTelemetry attribute value. */
export type AttributeInput = unknown;
/** A map of attribute name → value, as extractors return it. `undefined` and `null` values are skipped. */
export type AttributeMap = Record<string, AttributeInput>;

/**
 * Coerces a value to an OpenTelemetry attribute value: `undefined`/`null` → `undefined` (skip);
 * string/number/boolean kept; arrays → homogeneous arrays (mixed ones become strings); anything else →
 * a string (JSON where possible). Never throws.
 */
export function toAttributeValue(value: unknown): AttributeValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'undefined':
      return undefined;
    case 'bigint':
      return value.toString();
    case 'object':
      if (value === null) return undefined;
      if (isArray(value)) return toHomogeneousArray(value);
      return stringify(value);
    default:
      return stringify(value);
  }
}

/** `Array.isArray`, false where it throws (a revoked Proxy). */
export function isArray(value: unknown): value is readonly unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

function toHomogeneousArray(values: readonly unknown[]): AttributeValue {
  try {
    return homogeneousArray(values);
  } catch {
    // A Proxy array whose traps throw: no usable attribute.
    return '[array]';
  }
}

function homogeneousArray(values: readonly unknown[]): AttributeValue {
  let kind: string | undefined;
  let mixed = false;
  let holes = false;
  for (const item of values) {
    if (item === null || item === undefined) {
      holes = true;
      continue;
    }
    const itemKind = typeof item;
    if (itemKind !== 'string' && itemKind !== 'number' && itemKind !== 'boolean') {
      mixed = true;
      break;
    }
    if (kind === undefined) kind = itemKind;
    else if (kind !== itemKind) {
      mixed = true;
      break;
    }
  }
  // A copy either way: the span must not share an array the caller may change.
  if (!mixed)
    return (holes ? values.map((item) => (item === undefined ? null : item)) : values.slice()) as AttributeValue;
  return values.map((item) => (item === null || item === undefined ? null : stringify(item))) as AttributeValue;
}

/** A string form of any value: strings as they are, objects as JSON (BigInt-safe), else `String(value)`. */
export function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    const json = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
    if (json !== undefined) return json;
  } catch {
    // Circular structures, throwing toJSON/getters: fall through to String().
  }
  try {
    return String(value);
  } catch {
    // A revoked Proxy fails even here.
  }
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return typeof value === 'function' ? '[function]' : '[object]';
  }
}
