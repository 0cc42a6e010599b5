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

interface SecretPattern {
  readonly kind: SecretKind;
  /** Text every match contains: the pattern runs only on strings that have it (most strings have none). */
  readonly trigger: string | RegExp;
  readonly pattern: RegExp;
}

const secret = (kind: SecretKind, trigger: string | RegExp, source: string, flags = 'g'): SecretPattern => ({
  kind,
  trigger,
  pattern: new RegExp(source, flags),
});

// In order: Anthropic before OpenAI (both start with `sk-`), bearer tokens before the token kinds they may carry.
const PATTERNS: readonly SecretPattern[] = [
  // The scheme is kept so the text still reads as an Authorization header.
  secret('bearer_token', /bearer/i, `(${START}[Bb][Ee][Aa][Rr][Ee][Rr]\\s+)[A-Za-z0-9\\-._~+/]{8,}=*`),
  secret('anthropic_key', 'sk-ant-', `${START}sk-ant-[A-Za-z0-9_-]{20,}`),
  secret('openai_key', 'sk-', `${START}sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}`),
  secret('google_key', 'AIza', `${START}AIza[0-9A-Za-z_-]{35}`),
  secret('aws_access_key', /AKIA|ASIA/, `${START}(?:AKIA|ASIA)[0-9A-Z]{16}`),
  secret(
    'github_token',
    /gh[pousr]_|github_pat_/,
    `${START}(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})`,
  ),
  secret('huggingface_token', 'hf_', `${START}hf_[A-Za-z0-9]{30,}`),
  secret('slack_token', 'xox', `${START}xox[abposr]-[A-Za-z0-9-]{10,}`),
  secret('stripe_key', /_(?:live|test)_/, `${START}(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}`),
  secret('groq_key', 'gsk_', `${START}gsk_[A-Za-z0-9]{40,}`),
  secret('xai_key', 'xai-', `${START}xai-[A-Za-z0-9]{40,}`),
  secret('jwt', 'eyJ', `${START}eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*`),
  // 13 or more digits, optionally grouped by single spaces or dashes; then the Luhn check on the run and on its
  // 13–19-digit windows between separators (a card may follow other numbers: `order 2024 4111 1111 ...`).
  secret('credit_card', /[0-9][ -]?[0-9][ -]?[0-9][ -]?[0-9]/, `(?<![0-9])[0-9](?:[ -]?[0-9]){12,}(?![0-9])`),
];

/**
 * `text` with every recognised secret replaced by `[REDACTED:<kind>]`.
 *
 * @example
 * scrubSecrets('mail bob@example.com, key sk-proj-abcdefghijklmnopqrstuvwx');
 * // 'mail [REDACTED:email], key [REDACTED:openai_key]'
 */
export function scrubSecrets(text: string): string {
  let scrubbed = scrubEmails(text);
  for (const { kind, trigger, pattern } of PATTERNS) {
    if (typeof trigger === 'string' ? !scrubbed.includes(trigger) : !trigger.test(scrubbed)) continue;
    scrubbed = scrubbed.replace(pattern, (match: string, scheme: unknown) => {
      if (kind === 'credit_card') return passesLuhn(match) ? '[REDACTED:credit_card]' : cardWithin(match);
      return `${typeof scheme === 'string' ? scheme : ''}[REDACTED:${kind}]`;
    });
  }
  return scrubbed;
}

/**
 * The built-in redactor: every string in the attribute (message text, tool arguments and results, object
 * keys) through {@link scrubSecrets}. Compose it with your own with `composeRedactors`.
 *
 * @example
 * configureTelemetry({ captureMessageContent: true, redact: redactSecrets });
 */
export const redactSecrets: ContentRedactor = redactStrings(scrubSecrets);

const EMAIL_LOCAL = /[A-Za-z0-9._%+-]/;
const EMAIL = /[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}/y;

/**
 * E-mail addresses, found from their `@` (a regular expression scanning for the local part from every position
 * costs ~30x more on ordinary text).
 */
function scrubEmails(text: string): string {
  let at = text.indexOf('@');
  if (at === -1) return text;
  let scrubbed = '';
  let copied = 0;
  while (at !== -1) {
    let start = at;
    while (start > copied && EMAIL_LOCAL.test(text[start - 1]!)) start--;
    EMAIL.lastIndex = start;
    const match = start < at ? EMAIL.exec(text) : null;
    if (match === null) {
      at = text.indexOf('@', at + 1);
      continue;
    }
    scrubbed += `${text.slice(copied, start)}[REDACTED:email]`;
    copied = start + match[0].length;
    at = text.indexOf('@', copied);
  }
  return scrubbed + text.slice(copied);
}

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
