import { traceApplication, truncateResponse } from 'mellea-telemetry';
import { createTestTracing } from 'mellea-telemetry/testing';
import { toAttributeValue } from '../../src/coerce';

const tracing = createTestTracing();
afterEach(() => tracing.reset());
afterAll(() => tracing.shutdown());

const codePoints = (text: string): number => [...text].length;

describe('response truncation: at most 500 code points, never splitting a surrogate pair', () => {
  it.each([
    [499, 499],
    [500, 500],
    [501, 500],
    [2000, 500],
  ])('%i ASCII characters → %i', (length, expected) => {
    const text = 'x'.repeat(length);
    const cut = truncateResponse(text);
    expect(cut.length).toBe(expected);
    expect(text.startsWith(cut)).toBe(true);
  });

  it('keeps an emoji that straddles the 500-unit boundary whole (it is the 500th code point)', () => {
    const text = 'a'.repeat(499) + '😀' + 'tail';
    const cut = truncateResponse(text);
    expect(cut).toBe('a'.repeat(499) + '😀');
    expect(codePoints(cut)).toBe(500);
  });

  it('counts code points, not UTF-16 units: 600 emoji → 500 emoji (1000 units)', () => {
    const cut = truncateResponse('😀'.repeat(600));
    expect(codePoints(cut)).toBe(500);
    expect(cut.length).toBe(1000);
  });

  it('drops an emoji that would be the 501st code point', () => {
    const cut = truncateResponse('a'.repeat(500) + '😀');
    expect(cut).toBe('a'.repeat(500));
  });

  it('leaves a lone surrogate as a single code point, like the string iterator does', () => {
    const text = '\uD83D' + 'b'.repeat(600);
    expect(codePoints(truncateResponse(text))).toBe(500);
  });

  it('is applied to the response attribute of a traced call', async () => {
    class S {
      @traceApplication('aact')
      act(): { value: string } {
        return { value: 'é'.repeat(1000) };
      }
    }
    new S().act();
    expect(tracing.span('aact').attributes['response']).toBe('é'.repeat(500));
  });
});

describe('attribute value coercion', () => {
  it.each([
    ['a string', 's', 's'],
    ['a number', 4.5, 4.5],
    ['a boolean', false, false],
    ['undefined (skipped)', undefined, undefined],
    ['null (skipped)', null, undefined],
    ['a BigInt', 12n, '12'],
    ['an object', { a: 1 }, '{"a":1}'],
    ['an object holding a BigInt', { a: 1n }, '{"a":"1"}'],
    ['a homogeneous array', ['a', 'b'], ['a', 'b']],
    ['a number array with a hole', [1, null, 3], [1, null, 3]],
    ['a mixed array', [1, 'b', { c: 1 }], ['1', 'b', '{"c":1}']],
    ['a symbol', Symbol('s'), 'Symbol(s)'],
  ])('%s', (_label, value, expected) => {
    expect(toAttributeValue(value)).toEqual(expected);
  });

  it('turns a circular object into a string instead of throwing', () => {
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    expect(toAttributeValue(circular)).toBe('[object Object]');
  });

  it('a huge odd response (circular, with BigInt) still gives a bounded string attribute', () => {
    const odd: Record<string, unknown> = { big: 10n ** 30n, text: 'y'.repeat(10_000) };
    class S {
      @traceApplication('aact')
      act(): unknown {
        return { value: odd };
      }
    }
    new S().act();
    const response = tracing.span('aact').attributes['response'] as string;
    expect(response.startsWith('{"big":"1000000000000000000000000000000","text":"yyy')).toBe(true);
    expect(codePoints(response)).toBe(500);
  });
});
