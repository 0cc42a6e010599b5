/** The `redact` hook of `configureTelemetry`: what it is given, and how hooks combine. */

/**
 * Sees every content attribute before it is serialised and recorded: `key` is the attribute name
 * (`gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.system_instructions`, `gen_ai.tool.definitions`,
 * `gen_ai.evaluation.explanation`, `response`), `value` its parsed value (an array of `{ role, parts }`
 * messages, an array of parts or tool definitions, or a string). Return the value to record, a changed value,
 * or `undefined` to drop the attribute. Synchronous. Do not mutate `value` (it may be the program's own
 * objects); return a copy instead. If it throws, the attribute is dropped — never recorded unredacted.
 *
 * @example
 * const hideAccountNumbers: ContentRedactor = (_key, value) =>
 *   JSON.parse(JSON.stringify(value).replace(/ACC-\d{8}/g, 'ACC-********'));
 * configureTelemetry({ redact: composeRedactors(redactSecrets, hideAccountNumbers) });
 */
export type ContentRedactor = (key: string, value: unknown) => unknown;

/**
 * One redactor running each of `redactors` in order, each on the previous one's output; `undefined` from any
 * of them drops the attribute.
 *
 * @example
 * configureTelemetry({ redact: composeRedactors(redactSecrets, (key, value) => (key === 'response' ? undefined : value)) });
 */
export function composeRedactors(...redactors: readonly ContentRedactor[]): ContentRedactor {
  return (key, value) => {
    let current = value;
    for (const redactor of redactors) {
      current = redactor(key, current);
      if (current === undefined || current === null) return undefined;
    }
    return current;
  };
}

/**
 * A redactor that runs `replace` on every string of the attribute (message text, tool arguments and results,
 * object keys), on a copy: the usual way to add your own patterns.
 *
 * @example
 * const maskAccounts = redactStrings((text) => text.replace(/ACC-\d{8}/g, 'ACC-********'));
 * configureTelemetry({ redact: composeRedactors(redactSecrets, maskAccounts) });
 */
export function redactStrings(replace: (text: string) => string): ContentRedactor {
  return (_key, value) => mapStrings(value, replace);
}

/**
 * A copy of `value` in which every string (object keys included) went through `replace`. Plain data only:
 * depth beyond 64 or a cycle is replaced by `null` rather than copied.
 */
export function mapStrings(value: unknown, replace: (text: string) => string): unknown {
  return mapValue(value, replace, 0, new Set());
}

function mapValue(value: unknown, replace: (text: string) => string, depth: number, seen: Set<object>): unknown {
  if (typeof value === 'string') return replace(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 64 || seen.has(value)) return null;
  // As JSON would see it: a Date or a class with toJSON() is its JSON form.
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return mapValue(toJSON.call(value), replace, depth + 1, seen);
  seen.add(value);
  let copy: unknown;
  if (Array.isArray(value)) copy = value.map((item) => mapValue(item, replace, depth + 1, seen));
  else {
    const source = value as Record<string, unknown>;
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(source)) result[replace(key)] = mapValue(source[key], replace, depth + 1, seen);
    copy = result;
  }
  seen.delete(value);
  return copy;
}
