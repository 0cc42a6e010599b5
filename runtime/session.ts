/**
 * The session: acts on components through a backend, keeps the context, samples and validates. Its methods are
 * traced with this package's own decorators (applied with `traceMethods`, no decorator syntax): `act` → `aact`,
 * `validateRequirement` → `requirement_validation`, `run` → `session_context`. The session exposes `backend`
 * and `ctx`, which the application conventions read for `mellea.backend` and `mellea.context_size`.
 */
import {
  ATTR_MELLEA_HAS_FORMAT,
  GenerativeSlot,
  recordRequirementCheck,
  recordSamplingRun,
  SPAN_AACT,
  SPAN_REQUIREMENT_VALIDATION,
  SPAN_SESSION_CONTEXT,
  traceApplication,
  traceMethods,
} from 'mellea-telemetry';
import { Instruction, type InstructionOptions, Message } from './components';
import { ChatContext, type Context, SimpleContext } from './context';
import { jsonSchemaOf, parseFormatted } from './format';
import {
  parseJudgeAnswer,
  type Requirement,
  type RequirementLike,
  toRequirements,
  toVerdict,
  ValidationResult,
} from './requirement';
import { RejectionSamplingStrategy, type SamplingResult, type SamplingStrategy } from './sampling';
import type { Action, Backend, GenerateOptions, GenerationContext } from './types';

/** Options of {@link Session}. */
export interface SessionOptions {
  /** The starting context. Default: a {@link SimpleContext} (no history), as in Mellea. */
  readonly ctx?: Context;
  /** The default sampling strategy. Default: `new RejectionSamplingStrategy({ loopBudget: 2 })`. */
  readonly strategy?: SamplingStrategy;
  /** Options passed to every backend call (temperature, maxTokens...). */
  readonly modelOptions?: GenerateOptions;
}

/** Options of {@link Session.act}. */
export interface SessionActOptions {
  /** Requirements to check each generation against. Default: the Instruction's own requirements. */
  readonly requirements?: readonly RequirementLike[];
  /** The sampling strategy for this call. Default: the session's. */
  readonly strategy?: SamplingStrategy;
  /**
   * A declared output format — a JSON schema object or a Standard-Schema validator (e.g. a zod schema). The
   * output is parsed as JSON and validated; `value` is the parsed value. A failure is a `FormatError`.
   * Default: the GenerativeSlot's or Instruction's format.
   */
  readonly format?: unknown;
  /** Backend options for this call (merged over the session's). */
  readonly modelOptions?: GenerateOptions;
}

/** Options of {@link Session.instruct}. */
export interface InstructOptions extends SessionActOptions {
  /** Values for `{{name}}` placeholders in the description and requirements. */
  readonly userVariables?: InstructionOptions['userVariables'];
}

/** What `act` returns: the sampling outcome plus the `value` (the kept output's text, or its parsed format). */
export interface ActionResult<T = unknown> extends SamplingResult {
  readonly value: T;
}

/**
 * A generative-programming session over one backend.
 *
 * @example
 * const session = new Session(new ScriptedBackend(), { ctx: new ChatContext() });
 * await session.run(async (m) => {
 *   const haiku = await m.instruct('Write a haiku about {{topic}}', {
 *     userVariables: { topic: 'tea' },
 *     requirements: ['mention tea'],
 *   });
 *   const reply = await m.chat('Thanks!');
 * });
 */
export class Session {
  /** The backend every generation goes through (`mellea.backend` is its class name). */
  readonly backend: Backend;
  /** The current context (`mellea.context_size` is its size); replaced after each `act`. */
  ctx: Context;
  readonly strategy: SamplingStrategy;
  readonly modelOptions: GenerateOptions | undefined;

  constructor(backend: Backend, options: SessionOptions = {}) {
    this.backend = backend;
    this.ctx = options.ctx ?? new SimpleContext();
    this.strategy = options.strategy ?? new RejectionSamplingStrategy();
    this.modelOptions = options.modelOptions;
  }

  /**
   * Runs `body` inside the session's scope — the `session_context` span, parent of everything inside.
   * Resolves to the body's result; the body's error is rethrown unchanged.
   */
  async run<T>(body: (session: this) => T | PromiseLike<T>): Promise<T> {
    return body(this);
  }

  /**
   * Generates for `action` (an Instruction, Message, GenerativeSlot or any Component) after the current context,
   * samples and validates with the strategy, appends the action and the kept answer to the context, and parses
   * the answer when a format is declared. Traced as `aact`.
   */
  async act<T = unknown>(action: Action, options: SessionActOptions = {}): Promise<ActionResult<T>> {
    const format = declaredFormat(action, options);
    const requirements = toRequirements(
      options.requirements ?? (action instanceof Instruction ? action.requirements : []),
    );
    const strategy = options.strategy ?? this.strategy;
    const ctx = this.ctx;
    const generateOptions = this.generateOptions(options.modelOptions, format);
    const sampling = await strategy.sample({
      requirements,
      generate: () => this.backend.generateFromContext(action, ctx, generateOptions),
      validate: (output) => this.checkAll(requirements, output.value, judgeContext(ctx, [action], output.value)),
    });
    recordSamplingRun(strategy, sampling.sampleGenerations.length, sampling.success);
    const text = sampling.result.value;
    this.ctx = ctx.add(action, new Message('assistant', text));
    const value = format === undefined ? text : await parseFormatted(text, format);
    return { ...sampling, value: value as T };
  }

  /**
   * Acts on an {@link Instruction} built from `description` (templated with `userVariables`) and its requirements.
   *
   * @example
   * const result = await session.instruct('Summarise: {{text}}', { userVariables: { text }, requirements: ['under 50 words'] });
   * result.success; result.value;
   */
  async instruct<T = string>(description: string, options: InstructOptions = {}): Promise<ActionResult<T>> {
    const { userVariables, requirements, format, ...actOptions } = options;
    const instruction = new Instruction(description, { userVariables, requirements, format });
    return this.act<T>(instruction, { ...actOptions, format, requirements: instruction.requirements });
  }

  /** Sends a user {@link Message}; resolves to the assistant's reply. With a ChatContext both join the history. */
  async chat(content: string): Promise<Message> {
    const result = await this.act<string>(new Message('user', content));
    return new Message('assistant', result.value);
  }

  /**
   * Checks `output` against each requirement, one after another in order (one `requirement_validation` span each;
   * an LLM-judged one has the judge's `chat` span beneath it). The judge sees the current context, then the output.
   */
  validate(requirements: readonly RequirementLike[], output: string): Promise<ValidationResult[]> {
    return this.checkAll(toRequirements(requirements), output, judgeContext(this.ctx, [], output));
  }

  /**
   * Checks one requirement: its validation function, or else a judge call to the backend with `judgeCtx` (which
   * ends with the output). Traced as `requirement_validation`.
   */
  async validateRequirement(
    requirement: Requirement,
    output: string,
    judgeCtx: GenerationContext,
  ): Promise<ValidationResult> {
    if (requirement.validationFn !== undefined) {
      const verdict = toVerdict(await requirement.validationFn(output));
      return new ValidationResult(requirement, verdict.passed, verdict.reason, 'function');
    }
    const answer = await this.backend.generateFromContext(requirement, judgeCtx, this.modelOptions);
    return new ValidationResult(requirement, parseJudgeAnswer(answer.value), answer.value, 'model');
  }

  /** One requirement after another, in order: the spans then read in the order the requirements were given. */
  private async checkAll(
    requirements: readonly Requirement[],
    output: string,
    judgeCtx: GenerationContext,
  ): Promise<ValidationResult[]> {
    const results: ValidationResult[] = [];
    for (const requirement of requirements) {
      const result = await this.validateRequirement(requirement, output, judgeCtx);
      recordRequirementCheck(requirement, result.passed);
      results.push(result);
    }
    return results;
  }

  private generateOptions(callOptions: GenerateOptions | undefined, format: unknown): GenerateOptions | undefined {
    const jsonSchema = jsonSchemaOf(format);
    if (format === undefined && callOptions === undefined) return this.modelOptions;
    return {
      ...this.modelOptions,
      ...callOptions,
      ...(format === undefined ? {} : { format }),
      ...(jsonSchema === undefined ? {} : { jsonSchema }),
    };
  }
}

traceMethods(Session, {
  run: traceApplication(SPAN_SESSION_CONTEXT),
  // mellea.has_format also counts a format the action declares itself (an Instruction's or a slot's).
  act: traceApplication(SPAN_AACT, {
    attributes: (_session, [action, options]) => ({
      [ATTR_MELLEA_HAS_FORMAT]: declaredFormat(action, options) !== undefined,
    }),
  }),
  validateRequirement: traceApplication(SPAN_REQUIREMENT_VALIDATION),
});

/** The act's format: the option, else the format the GenerativeSlot or Instruction declares. */
function declaredFormat(action: unknown, options: SessionActOptions | undefined): unknown {
  const format =
    options?.format ?? (action instanceof GenerativeSlot || action instanceof Instruction ? action.format : undefined);
  return format === null ? undefined : format;
}

/** What a judge sees: the context's items, the action(s), then the output as the assistant's answer. */
function judgeContext(ctx: Context, actions: readonly Action[], output: string): ChatContext {
  return new ChatContext({}, [...ctx.items, ...actions, new Message('assistant', output)]);
}
