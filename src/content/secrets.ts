/**
 * A small built-in redactor for common secrets: a best-effort filter, not a guarantee. It recognises secrets
 * by their published shapes; a secret in another shape, split by the program across fields, glued to the
 * letters around it, or encoded (base64, URL-encoded...) passes through.
 */
import { type ContentRedactor, redactStrings } from './redact';

/** What {@link redactSecrets} recognises, and the placeholder each becomes (`[REDACTED:<kind>]`). */
export type SecretKind =
  | 'anthropic_key'
  | 'openai_key'
  | 'google_key'
  | 'aws_access_key'
  | 'github_token'
  | 'huggingface_token'
  | 'slack_token'
  | 'stripe_key'
  | 'groq_key'
  | 'xai_key'
  | 'bearer_token'
  | 'jwt'
  | 'email'
  | 'credit_card';

// A secret must not continue a word on the left (`task-force` is not an `sk-` key); `_` counts as a boundary so
// that `api_key_sk-...` is still caught.
const START = '(?<![A-Za-z0-9])';

const PATTERNS: ReadonlyArray<readonly [SecretKind, string]> = [
  ['anthropic_key', `${START}sk-ant-[A-Za-z0-9_-]{20,}`],
  ['openai_key', `${START}sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}`],
  ['google_key', `${START}AIza[0-9A-Za-z_-]{35}`],
  ['aws_access_key', `${START}(?:AKIA|ASIA)[0-9A-Z]{16}`],
  ['github_token', `${START}(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})`],
  ['huggingface_token', `${START}hf_[A-Za-z0-9]{30,}`],
  ['slack_token', `${START}xox[abposr]-[A-Za-z0-9-]{10,}`],
  ['stripe_key', `${START}(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}`],
  ['groq_key', `${START}gsk_[A-Za-z0-9]{40,}`],
  ['xai_key', `${START}xai-[A-Za-z0-9]{40,}`],
  // The scheme is kept so the text still reads as an Authorization header.
  ['bearer_token', `(?<=${START}[Bb][Ee][Aa][Rr][Ee][Rr]\\s+)[A-Za-z0-9\\-._~+/]{8,}=*`],
  ['jwt', `${START}eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*`],
  ['email', `[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\\.)+[A-Za-z]{2,}`],
  // 13 or more digits, optionally grouped by single spaces or dashes; then the Luhn check on the run and on its
  // 13–19-digit windows between separators (a card may follow other numbers: `order 2024 4111 1111 ...`).
  ['credit_card', `(?<![0-9])[0-9](?:[ -]?[0-9]){12,}(?![0-9])`],
];

const KINDS = PATTERNS.map(([kind]) => kind);
// One pass over each string: the alternatives in order, each its own capture group.
const SECRET = new RegExp(PATTERNS.map(([, source]) => `(${source})`).join('|'), 'g');
// A cheap pre-check: every pattern needs one of these characters or a run of digits.
const MAYBE_SECRET = /[@_.-]|[0-9]{4}|bearer|AKIA|ASIA|AIza/i;

/**
 * `text` with every recognised secret replaced by `[REDACTED:<kind>]`.
 *
 * @example
 * scrubSecrets('mail bob@example.com, key sk-proj-abcdefghijklmnopqrstuvwx');
 * // 'mail [REDACTED:email], key [REDACTED:openai_key]'
 */
export function scrubSecrets(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  return text.replace(SECRET, (match: string, ...groups: unknown[]) => {
    const index = groups.findIndex((group, position) => position < KINDS.length && group !== undefined);
    const kind = KINDS[index];
    if (kind === undefined) return match;
    if (kind === 'credit_card' && !passesLuhn(match)) return cardWithin(match);
    return `[REDACTED:${kind}]`;
  });
}

/**
 * The built-in redactor: every string in the attribute (message text, tool arguments and results, object
 * keys) through {@link scrubSecrets}. Compose it with your own with `composeRedactors`.
 *
 * @example
 * configureTelemetry({ captureMessageContent: true, redact: redactSecrets });
 */
export const redactSecrets: ContentRedactor = redactStrings(scrubSecrets);

/**
 * A digit run that fails the check as a whole may still contain a card (`2024 4111 1111 1111 1111`): the
 * longest Luhn-valid window of 13–19 digits starting and ending on a digit is replaced.
 */
function cardWithin(run: string): string {
  for (let length = Math.min(run.length, 37); length >= 13; length--) {
    for (let start = 0; start + length <= run.length; start++) {
      const end = start + length;
      if (!isDigit(run, start) || !isDigit(run, end - 1)) continue;
      if (start > 0 && isDigit(run, start - 1)) continue;
      if (end < run.length && isDigit(run, end)) continue;
      if (passesLuhn(run.slice(start, end))) {
        return `${run.slice(0, start)}[REDACTED:credit_card]${cardWithin(run.slice(end))}`;
      }
    }
  }
  return run;
}

function isDigit(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 48 && code <= 57;
}

/** The Luhn checksum of the digits in `candidate` (card numbers carry it). */
export function passesLuhn(candidate: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let index = candidate.length - 1; index >= 0; index--) {
    const code = candidate.charCodeAt(index) - 48;
    if (code < 0 || code > 9) continue;
    digits++;
    let value = code;
    if (double) {
      value *= 2;
      if (value > 9) value -= 9;
    }
    sum += value;
    double = !double;
  }
  return digits >= 13 && digits <= 19 && sum % 10 === 0;
}
