/**
 * A hand-written checker for the Gen-AI message attributes, following the JSON schemas of semantic conventions
 * v1.41.1 (gen-ai-input-messages.json, gen-ai-output-messages.json): an array of `{ role: string, parts }`,
 * output messages also `finish_reason: string`; each part exactly one of
 *   `{ type: 'text', content: string }`,
 *   `{ type: 'tool_call', id: string, name: string, arguments: any }`,
 *   `{ type: 'tool_call_response', id: string, response: any }`
 * (additional properties allowed). System instructions: an array of such parts. Tool definitions: an array of
 * `{ type: string, name: string }` (plus anything), optionally ending with the truncation marker.
 * Returns the list of violations (empty = valid).
 */
const FINISH_REASONS = ['stop', 'length', 'content_filter', 'tool_call', 'error'];

export type Kind = 'input' | 'output' | 'system' | 'tools';

export function schemaErrors(json: unknown, kind: Kind): string[] {
  const errors: string[] = [];
  if (typeof json !== 'string') return [`attribute is ${typeof json}, not a JSON string`];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return [`not valid JSON: ${String(error)}`];
  }
  if (!Array.isArray(value)) return ['top level is not an array'];
  value.forEach((item, index) => {
    const at = `[${index}]`;
    if (kind === 'system') checkPart(item, at, errors);
    else if (kind === 'tools') checkTool(item, at, errors, index === value.length - 1);
    else checkMessage(item, at, errors, kind === 'output');
  });
  return errors;
}

function checkMessage(message: unknown, at: string, errors: string[], output: boolean): void {
  if (!isObject(message)) {
    errors.push(`${at} is not an object`);
    return;
  }
  if (typeof message['role'] !== 'string') errors.push(`${at}.role is not a string`);
  if (!Array.isArray(message['parts'])) errors.push(`${at}.parts is not an array`);
  else {
    message['parts'].forEach((part, index) => {
      checkPart(part, `${at}.parts[${index}]`, errors);
    });
  }
  if (output) {
    const reason = message['finish_reason'];
    if (typeof reason !== 'string') errors.push(`${at}.finish_reason is not a string`);
    else if (!FINISH_REASONS.includes(reason)) errors.push(`${at}.finish_reason "${reason}" is not a convention value`);
  }
}

function checkPart(part: unknown, at: string, errors: string[]): void {
  if (!isObject(part)) {
    errors.push(`${at} is not an object`);
    return;
  }
  switch (part['type']) {
    case 'text':
      if (typeof part['content'] !== 'string') errors.push(`${at}.content is not a string`);
      break;
    case 'tool_call':
      if (typeof part['id'] !== 'string') errors.push(`${at}.id is not a string`);
      if (typeof part['name'] !== 'string') errors.push(`${at}.name is not a string`);
      if (!('arguments' in part)) errors.push(`${at}.arguments is missing`);
      break;
    case 'tool_call_response':
      if (typeof part['id'] !== 'string') errors.push(`${at}.id is not a string`);
      if (!('response' in part)) errors.push(`${at}.response is missing`);
      break;
    default:
      errors.push(`${at}.type ${JSON.stringify(part['type'])} is not text, tool_call or tool_call_response`);
  }
}

function checkTool(tool: unknown, at: string, errors: string[], last: boolean): void {
  if (last && tool === '…[truncated]') return;
  if (!isObject(tool)) {
    errors.push(`${at} is not an object`);
    return;
  }
  if (typeof tool['type'] !== 'string') errors.push(`${at}.type is not a string`);
  if (typeof tool['name'] !== 'string') errors.push(`${at}.name is not a string`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Parses a message attribute after checking it (throws with the violations). */
export function parsedMessages(json: unknown, kind: Kind): any[] {
  const errors = schemaErrors(json, kind);
  if (errors.length > 0) throw new Error(`${kind} attribute violates the v1.41.1 shape:\n${errors.join('\n')}`);
  return JSON.parse(json as string);
}
