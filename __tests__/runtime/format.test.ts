import { FormatError, jsonSchemaOf, parseFormatted, validateJsonSchema } from 'mellea-telemetry/runtime';
import { z } from 'zod';
import { fillTemplate } from '../../runtime/template';

describe('validateJsonSchema', () => {
  const person = {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1 },
      age: { type: 'integer', minimum: 0 },
      tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
      kind: { anyOf: [{ const: 'a' }, { const: 'b' }] },
    },
    required: ['name'],
    additionalProperties: false,
  };

  it('accepts a matching value', () => {
    expect(validateJsonSchema({ name: 'Ada', age: 36, tags: ['x'], kind: 'b' }, person)).toEqual([]);
  });

  it('lists every mismatch with its path', () => {
    expect(validateJsonSchema({ age: 1.5, tags: ['x', 2, 'z'], kind: 'c', extra: true }, person)).toEqual([
      '$: missing required property "name"',
      '$.age: expected integer, got number',
      '$.tags: item count 3 is above the maximum 2',
      '$.tags[1]: expected string, got number',
      expect.stringMatching(/^\$\.kind: does not match anyOf/),
      '$: unexpected property "extra"',
    ]);
    expect(validateJsonSchema(null, { type: ['string', 'null'] })).toEqual([]);
    expect(validateJsonSchema('', { type: 'string', minLength: 1 })).toEqual(['$: length 0 is below the minimum 1']);
  });
});

describe('parseFormatted and jsonSchemaOf', () => {
  it('parses JSON and returns the validator output', async () => {
    await expect(parseFormatted('{"n": 2}', { type: 'object' })).resolves.toEqual({ n: 2 });
    await expect(parseFormatted('"3"', z.coerce.number())).resolves.toBe(3);
  });

  it('rejects with a FormatError that says why and shows the output', async () => {
    const error = (await parseFormatted('{oops', { type: 'object' }).catch((caught: unknown) => caught)) as FormatError;
    expect(error).toBeInstanceOf(FormatError);
    expect(error.name).toBe('FormatError');
    expect(error.failure).toBe('parse');
    expect(error.message).toContain('(output: "{oops")');
  });

  it('sends a JSON schema for plain schemas and zod schemas, none for other validators or classes', () => {
    expect(jsonSchemaOf({ enum: ['a', 'b'] })).toEqual({ enum: ['a', 'b'] });
    expect(jsonSchemaOf(z.object({ a: z.string() }))).toMatchObject({
      type: 'object',
      properties: { a: { type: 'string' } },
    });
    expect(
      jsonSchemaOf({ '~standard': { version: 1, vendor: 'x', validate: (value: unknown) => ({ value }) } }),
    ).toBeUndefined();
    expect(jsonSchemaOf(class Foo {})).toBeUndefined();
    expect(jsonSchemaOf({ unrelated: 1 })).toBeUndefined();
  });
});

describe('fillTemplate', () => {
  it('fills placeholders, leaves text alone without variables', () => {
    expect(fillTemplate('{{a}} and {{ b }}', { a: 1, b: 'two' })).toBe('1 and two');
    expect(fillTemplate('keep {{a}}', undefined)).toBe('keep {{a}}');
    expect(() => fillTemplate('{{missing}}', {})).toThrow('no value for {{missing}} in userVariables');
  });
});
