/** `{{name}}` placeholders, as Mellea's `user_variables` fill them. */
import { CONTENT_FREE_MESSAGE } from 'mellea-telemetry';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

/**
 * A `{{name}}` placeholder has no value in the given variables.
 *
 * @example
 * new Instruction('About {{topic}}', { userVariables: {} }); // throws TemplateError (variable: 'topic')
 */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';

  /** Recorded with content off: neither the template (the prompt) nor the placeholder's name. */
  get [CONTENT_FREE_MESSAGE](): string {
    return 'a {{placeholder}} of the template has no value in userVariables';
  }

  constructor(
    readonly variable: string,
    readonly template: string,
  ) {
    super(`no value for {{${variable}}} in userVariables (template: ${JSON.stringify(template.slice(0, 120))})`);
  }
}

/**
 * Replaces every `{{name}}` in `template` with `variables[name]`. Without `variables` the text is returned as
 * is; with them, a placeholder that has no value is a {@link TemplateError} (a silent blank would reach the model).
 *
 * @example
 * fillTemplate('Write about {{topic}}', { topic: 'tea' }); // 'Write about tea'
 */
export function fillTemplate(template: string, variables: Readonly<Record<string, unknown>> | undefined): string {
  if (variables === undefined) return template;
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    if (!Object.hasOwn(variables, name) || variables[name] === undefined) {
      throw new TemplateError(name, template);
    }
    return String(variables[name]);
  });
}
