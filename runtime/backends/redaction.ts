/**
 * What of a backend's secrets may never reach a message: auth header values (and their bearer/basic tokens),
 * the userinfo and query of the base URL, and any URL credentials in network-layer text.
 */
import { stripUrlSecrets } from 'mellea-telemetry';

/** Header names whose values are treated as secrets (redacted from every message). */
const SECRET_HEADER = /auth|key|token|secret|cookie|session/i;
const REDACTED = '[REDACTED]';
/** Values shorter than this are not searched for (they would redact ordinary words). */
const MIN_SECRET_LENGTH = 4;

/** The secret values of `headers` and of `extra` (e.g. the base URL's password), longest first. */
export function secretValues(headers: Readonly<Record<string, string>>, extra: readonly string[] = []): string[] {
  const secrets = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADER.test(name) || value.length < MIN_SECRET_LENGTH) continue;
    secrets.add(value);
    const token = value.replace(/^(Bearer|Basic)\s+/i, '');
    if (token.length >= MIN_SECRET_LENGTH) secrets.add(token);
  }
  for (const value of extra) if (value.length >= MIN_SECRET_LENGTH) secrets.add(value);
  return [...secrets].sort((a, b) => b.length - a.length);
}

/** `text` with every secret replaced by `[REDACTED]`, any `Bearer`/`Basic` token too, and URL credentials removed. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return stripUrlSecrets(out.replace(/(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`));
}

/** The first `max` characters of `text`, with an ellipsis when cut. */
export function preview(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
