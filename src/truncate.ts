import { RESPONSE_MAX_CODE_POINTS } from './semconv';

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Cuts `text` to at most `maxCodePoints` Unicode code points, never splitting a surrogate pair.
 *
 * @example
 * truncateResponse('a'.repeat(600)).length; // 500
 */
export function truncateResponse(text: string, maxCodePoints: number = RESPONSE_MAX_CODE_POINTS): string {
  // Fast path: fewer UTF-16 units than the limit means fewer code points too.
  if (text.length <= maxCodePoints) return text;
  const head = text.slice(0, maxCodePoints);
  // No surrogate in the first `maxCodePoints` units: they are exactly `maxCodePoints` code points.
  if (!SURROGATE.test(head)) return head;
  let units = 0;
  for (let points = 0; points < maxCodePoints && units < text.length; points++) {
    const code = text.charCodeAt(units);
    const isPair =
      code >= 0xd800 && code <= 0xdbff && units + 1 < text.length && isLowSurrogate(text.charCodeAt(units + 1));
    units += isPair ? 2 : 1;
  }
  return text.slice(0, units);
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
