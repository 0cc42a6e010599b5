/**
 * Requirements: what an output must satisfy. A requirement with a validation function is checked by that
 * function; without one, the backend judges it (the requirement is the action, the output is in the context).
 */
import type { ChatMessage, Component } from './types';

/** A validation function's verdict: a boolean, or a boolean with a reason. */
export type ValidationVerdict = boolean | { readonly passed: boolean; readonly reason?: string };

/** Checks an output in code. May be async. */
export type ValidationFunction = (output: string) => ValidationVerdict | Promise<ValidationVerdict>;

/** A requirement, or its description (an LLM-judged requirement). */
export type RequirementLike = Requirement | string;

/**
 * One requirement. As a component it renders the judge's question, so an LLM-judged check is a backend call
 * `generateFromContext(requirement, contextWithTheOutput)` — the `chat` span beneath `requirement_validation`.
 *
 * @example
 * const short = new Requirement('at most 20 words', (output) => output.split(/\s+/).length <= 20);
 * const polite = new Requirement('The tone is polite'); // judged by the model
 */
export class Requirement implements Component {
  constructor(
    readonly description: string,
    /** Checks the output in code; without it the backend judges. */
    readonly validationFn?: ValidationFunction,
  ) {}

  /** Whether the backend judges this requirement (no validation function). */
  get judgedByModel(): boolean {
    return this.validationFn === undefined;
  }

  /** The same requirement with another description (the validation function is kept). */
  withDescription(description: string): Requirement {
    return description === this.description ? this : new Requirement(description, this.validationFn);
  }

  /** The judge's question about the output that precedes it in the context. */
  toMessages(): ChatMessage[] {
    return [
      {
        role: 'user',
        content:
          `Does the output above meet this requirement? Answer "yes" or "no", then say why in one sentence.\n` +
          `Requirement: ${this.description}`,
      },
    ];
  }
}

/**
 * The outcome of checking one requirement against one output.
 *
 * @example
 * const [check] = await session.validate(['mention tea'], 'I like coffee');
 * check.passed; // false
 * check.judge;  // 'model'
 */
export class ValidationResult {
  constructor(
    readonly requirement: Requirement,
    readonly passed: boolean,
    /** The function's reason, or the judge's answer. */
    readonly reason: string | undefined,
    /** Who decided: the validation function or the model. */
    readonly judge: 'function' | 'model',
  ) {}
}

/**
 * Requirements from requirement-likes (a string becomes an LLM-judged {@link Requirement}).
 *
 * @example
 * toRequirements(['be brief']); // [Requirement { description: 'be brief' }]
 */
export function toRequirements(requirements: readonly RequirementLike[]): Requirement[] {
  return requirements.map((requirement) =>
    typeof requirement === 'string' ? new Requirement(requirement) : requirement,
  );
}

/**
 * Reads a judge's answer: passed when it starts with "yes" (after punctuation/markup), else failed.
 *
 * @example
 * parseJudgeAnswer('Yes. It mentions tea.'); // true
 * parseJudgeAnswer('No, it does not.');      // false
 */
export function parseJudgeAnswer(answer: string): boolean {
  return /^[^a-z0-9]*yes\b/i.test(answer.trim());
}

/**
 * Normalises a validation function's verdict.
 *
 * @example
 * toVerdict(true); // { passed: true, reason: undefined }
 */
export function toVerdict(verdict: ValidationVerdict): { passed: boolean; reason: string | undefined } {
  if (typeof verdict === 'boolean') return { passed: verdict, reason: undefined };
  if (verdict !== null && typeof verdict === 'object' && typeof verdict.passed === 'boolean') {
    return { passed: verdict.passed, reason: verdict.reason };
  }
  throw new TypeError(
    `a requirement's validation function must return a boolean or { passed, reason }, got ${String(verdict)}`,
  );
}
