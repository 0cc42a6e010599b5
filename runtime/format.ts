/**
 * Declared output formats: a JSON schema object, or any Standard-Schema-compatible validator (an object with a
 * `~standard.validate` function, such as a zod 4 schema). The session parses the model output as JSON and
 * checks it against the format; a failure is a {@link FormatError}.
 */
import { CONTENT_FREE_MESSAGE } from 'mellea-telemetry';

/** The Standard Schema v1 interface, as much of it as the runtime uses (https://standardschema.dev). */
export interface StandardSchemaLike<Output = unknown> {
  readonly '~standard': {
    readonly version: number;
    readonly vendor: string;
    validate(value: unknown): StandardResult<Output> | Promise<StandardResult<Output>>;
  };
}

type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<unknown> }> };

/** A JSON schema as a plain object (`{ type: 'object', properties: ... }`, `{ enum: [...] }`...). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Why a formatted output was rejected. */
export type FormatFailure = 'parse' | 'validation';

/**
 * The model output is not JSON, or does not match the declared format. `output` is the raw model text.
 *
 * @example
 * try { await session.act(slot, { format }); }
 * catch (error) { if (error instanceof FormatError) console.log(error.failure, error.issues); }
 */
export class FormatError extends Error {
  override readonly name = 'FormatError';

  /** Recorded with content off: the kind of failure and the issue count, never the model output or the issues. */
  get [CONTENT_FREE_MESSAGE](): string {
    return `the model output ${this.failure === 'parse' ? 'is not valid JSON' : 'does not match the declared format'} (${this.issues.length} issue(s))`;
  }

  constructor(
    readonly failure: FormatFailure,
    readonly output: string,
    readonly issues: readonly string[],
  ) {
    super(
      failure === 'parse'
        ? `the model output is not valid JSON: ${issues.join('; ')} (output: ${preview(output)})`
        : `the model output does not match the declared format: ${issues.join('; ')} (output: ${preview(output)})`,
    );
  }
}

function preview(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}

/**
 * Whether `format` is a Standard-Schema validator.
 *
 * @example
 * isStandardSchema(z.string()); // true (zod 4)
 * isStandardSchema({ type: 'string' }); // false
 */
export function isStandardSchema(format: unknown): format is StandardSchemaLike {
  if (format === null || (typeof format !== 'object' && typeof format !== 'function')) return false;
  const standard = (format as { '~standard'?: { validate?: unknown } })['~standard'];
  return typeof standard === 'object' && standard !== null && typeof standard.validate === 'function';
}

/**
 * The JSON schema to send to a backend for `format`: a plain JSON schema object as is; for a Standard-Schema
 * validator that also implements Standard JSON Schema (`~standard.jsonSchema`, e.g. zod ≥ 4.2), the schema it
 * converts itself to. Otherwise undefined (the output is still validated, just not constrained).
 *
 * @example
 * jsonSchemaOf({ enum: ['a', 'b'] }); // { enum: ['a', 'b'] }
 * jsonSchemaOf(z.object({ a: z.string() })); // { type: 'object', properties: { a: { type: 'string' } }, ... }
 */
export function jsonSchemaOf(format: unknown): JsonSchema | undefined {
  return isStandardSchema(format) ? standardJsonSchema(format) : plainJsonSchema(format);
}

function plainJsonSchema(format: unknown): JsonSchema | undefined {
  if (format === null || typeof format !== 'object' || Array.isArray(format)) return undefined;
  const schema = format as Record<string, unknown>;
  return SCHEMA_KEYWORDS.some((key) => key in schema) ? schema : undefined;
}

const SCHEMA_KEYWORDS = ['type', 'enum', 'const', 'properties', 'items', 'anyOf', 'oneOf', 'allOf', '$ref'] as const;

const conversions = new WeakMap<object, JsonSchema | null>();

/** `~standard.jsonSchema.output({ target: 'draft-2020-12' })`, cached per validator; a throwing converter gives undefined. */
function standardJsonSchema(format: StandardSchemaLike): JsonSchema | undefined {
  let schema = conversions.get(format);
  if (schema === undefined) {
    schema = null;
    try {
      const converter = (format['~standard'] as { jsonSchema?: { output?: (options: object) => unknown } }).jsonSchema;
      const converted = converter?.output?.({ target: 'draft-2020-12' });
      if (converted !== null && typeof converted === 'object' && !Array.isArray(converted))
        schema = converted as JsonSchema;
    } catch {
      schema = null;
    }
    conversions.set(format, schema);
  }
  return schema ?? undefined;
}

/**
 * Parses `output` as JSON and validates it against `format` (JSON schema or Standard Schema). Returns the
 * parsed (for Standard Schema: the validator's output) value; throws {@link FormatError}.
 *
 * @example
 * await parseFormatted('{"label":"positive"}', { type: 'object', required: ['label'] }); // { label: 'positive' }
 */
export async function parseFormatted(output: string, format: unknown): Promise<unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripCodeFence(output));
  } catch (error) {
    throw new FormatError('parse', output, [error instanceof Error ? error.message : String(error)]);
  }
  if (isStandardSchema(format)) {
    const result = await format['~standard'].validate(parsed);
    if (result.issues !== undefined) {
      throw new FormatError('validation', output, result.issues.map(describeIssue));
    }
    return result.value;
  }
  const schema = plainJsonSchema(format);
  if (schema !== undefined) {
    const issues = validateJsonSchema(parsed, schema, '$');
    if (issues.length > 0) throw new FormatError('validation', output, issues);
  }
  return parsed;
}

function describeIssue(issue: { readonly message: string; readonly path?: ReadonlyArray<unknown> }): string {
  if (issue.path === undefined || issue.path.length === 0) return issue.message;
  const path = issue.path.map((part) => (typeof part === 'object' && part !== null && 'key' in part ? part.key : part));
  return `${path.map(String).join('.')}: ${issue.message}`;
}

/** Models often wrap JSON in a Markdown code fence; accept that. */
function stripCodeFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i.exec(text);
  return fenced ? fenced[1]! : text;
}

/**
 * A small JSON-schema checker covering what output formats use: `type` (incl. arrays of types, `integer`),
 * `enum`, `const`, `properties`, `required`, `additionalProperties: false`, `items`, `minItems`/`maxItems`,
 * `minLength`/`maxLength`, `minimum`/`maximum`, `anyOf`/`oneOf`/`allOf`. Other keywords are not checked.
 *
 * @example
 * validateJsonSchema(5, { type: 'string' }); // ['$: expected string, got number']
 */
export function validateJsonSchema(value: unknown, schema: JsonSchema, path = '$'): string[] {
  const issues: string[] = [];
  const type = schema['type'];
  if (type !== undefined) {
    const types = Array.isArray(type) ? (type as string[]) : [type as string];
    if (!types.some((t) => hasJsonType(value, t)))
      issues.push(`${path}: expected ${types.join(' or ')}, got ${jsonTypeOf(value)}`);
  }
  const allowed = schema['enum'];
  if (Array.isArray(allowed) && !allowed.some((option) => deepEqual(option, value))) {
    issues.push(`${path}: expected one of ${JSON.stringify(allowed)}, got ${JSON.stringify(value)}`);
  }
  if ('const' in schema && !deepEqual(schema['const'], value)) {
    issues.push(`${path}: expected ${JSON.stringify(schema['const'])}, got ${JSON.stringify(value)}`);
  }
  if (typeof value === 'string')
    checkRange(value.length, schema['minLength'], schema['maxLength'], `${path}: length`, issues);
  if (typeof value === 'number') checkRange(value, schema['minimum'], schema['maximum'], `${path}:`, issues);
  if (Array.isArray(value)) {
    checkRange(value.length, schema['minItems'], schema['maxItems'], `${path}: item count`, issues);
    const items = schema['items'];
    if (isSchema(items)) {
      value.forEach((item, index) => {
        issues.push(...validateJsonSchema(item, items, `${path}[${index}]`));
      });
    }
  }
  if (isPlainObject(value)) checkObject(value, schema, path, issues);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (!Array.isArray(branches)) continue;
    const failures = branches.filter(isSchema).map((branch) => validateJsonSchema(value, branch, path));
    const passed = failures.filter((branchIssues) => branchIssues.length === 0).length;
    if (key === 'allOf') issues.push(...failures.flat());
    else if (key === 'anyOf' ? passed === 0 : passed !== 1)
      issues.push(`${path}: does not match ${key} (${failures.flat().join('; ')})`);
  }
  return issues;
}

function checkObject(value: Record<string, unknown>, schema: JsonSchema, path: string, issues: string[]): void {
  const required = schema['required'];
  if (Array.isArray(required)) {
    for (const key of required)
      if (!(String(key) in value)) issues.push(`${path}: missing required property "${String(key)}"`);
  }
  const properties = isSchema(schema['properties']) ? (schema['properties'] as Record<string, unknown>) : {};
  for (const [key, child] of Object.entries(value)) {
    const childSchema = properties[key];
    if (isSchema(childSchema)) issues.push(...validateJsonSchema(child, childSchema, `${path}.${key}`));
    else if (schema['additionalProperties'] === false) issues.push(`${path}: unexpected property "${key}"`);
  }
}

function checkRange(actual: number, min: unknown, max: unknown, label: string, issues: string[]): void {
  if (typeof min === 'number' && actual < min) issues.push(`${label} ${actual} is below the minimum ${min}`);
  if (typeof max === 'number' && actual > max) issues.push(`${label} ${actual} is above the maximum ${max}`);
}

function hasJsonType(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isPlainObject(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isSchema(value: unknown): value is JsonSchema {
  return isPlainObject(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
