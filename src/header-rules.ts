/**
 * Which header names and values an OTLP export can carry. Checked when the config is read, so that a bad entry
 * costs that one header (with a warning naming its key) instead of failing the exporter — whose own error would
 * quote the value, usually an API key.
 */
import type { OtlpProtocol } from './setting-rules';

// RFC 9110 token characters; gRPC metadata keys are narrower (lower-cased by grpc-js before the check).
const HTTP_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const GRPC_NAME = /^[0-9a-z_.-]+$/;
// Printable ASCII and space: what both an HTTP/1.1 field value and a gRPC ASCII metadata value allow.
const VALUE = /^[\x20-\x7e]*$/;

/** Why `key` cannot be sent as a header with `protocol`, or undefined when it can (the value is never quoted). */
export function headerProblem(key: string, value: string, protocol: OtlpProtocol): string | undefined {
  if (protocol === 'grpc') {
    if (!GRPC_NAME.test(key.toLowerCase())) return 'is not a valid gRPC metadata key (letters, digits, _ . - only)';
    if (key.toLowerCase().endsWith('-bin')) return 'is a binary gRPC metadata key (-bin), which needs a Buffer value';
  } else if (!HTTP_NAME.test(key)) return 'is not a valid HTTP header name';
  if (!VALUE.test(value))
    return 'has a value with a character not allowed in a header (a control character, line break or non-ASCII)';
  return undefined;
}

/** A header key quoted for a message: short, single line. */
export function quoteKey(key: string): string {
  return JSON.stringify(key.slice(0, 60));
}
