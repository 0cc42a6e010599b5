/**
 * The components a session acts on: {@link Instruction} (a templated task with requirements) and
 * {@link Message} (one chat turn). `GenerativeSlot` (from `@generative`) and {@link Requirement} are the others.
 */
import { formatInstruction } from './prompt';
import { type Requirement, type RequirementLike, toRequirements } from './requirement';
import { fillTemplate } from './template';
import type { ChatMessage, Component } from './types';

/** Options of {@link Instruction}. */
export interface InstructionOptions {
  /** What the answer must satisfy; listed in the prompt and checked after generation. */
  readonly requirements?: readonly RequirementLike[];
  /** Values for `{{name}}` placeholders in the description and the requirements. */
  readonly userVariables?: Readonly<Record<string, unknown>>;
  /** A declared output format (JSON schema or Standard-Schema validator): the prompt asks for JSON. */
  readonly format?: unknown;
}

/**
 * A task for the model: a description (with `{{name}}` templating from `userVariables`) and requirements.
 * Templating happens once, in the constructor; a missing variable is a `TemplateError` there.
 *
 * @example
 * const instruction = new Instruction('Write a haiku about {{topic}}', {
 *   userVariables: { topic: 'tea' },
 *   requirements: ['mention tea'],
 * });
 * instruction.description; // 'Write a haiku about tea'
 */
export class Instruction implements Component {
  /** The description after templating. */
  readonly description: string;
  /** The requirements after templating. */
  readonly requirements: readonly Requirement[];
  readonly format: unknown;

  constructor(description: string, options: InstructionOptions = {}) {
    this.description = fillTemplate(description, options.userVariables);
    this.requirements = toRequirements(options.requirements ?? []).map((requirement) =>
      requirement.withDescription(fillTemplate(requirement.description, options.userVariables)),
    );
    this.format = options.format;
  }

  toMessages(): ChatMessage[] {
    const parts = [this.description];
    if (this.requirements.length > 0) {
      parts.push(
        ['Requirements:', ...this.requirements.map((requirement) => `- ${requirement.description}`)].join('\n'),
      );
    }
    const format = formatInstruction(this.format);
    if (format !== undefined) parts.push(format);
    return [{ role: 'user', content: parts.join('\n\n') }];
  }
}

/** The role of a {@link Message}. */
export type Role = ChatMessage['role'];

/**
 * One chat turn. `session.chat(text)` acts on a user `Message`; the model's answer is kept in a chat context
 * as an assistant `Message`.
 *
 * @example
 * new Message('user', 'Hello').toMessages(); // [{ role: 'user', content: 'Hello' }]
 */
export class Message implements Component {
  constructor(
    readonly role: Role,
    readonly content: string,
  ) {}

  toMessages(): ChatMessage[] {
    return [{ role: this.role, content: this.content }];
  }
}
