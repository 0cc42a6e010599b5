/**
 * Sampling strategies: how many generations an action gets and which one is kept. A strategy drives a
 * {@link SamplingRun} that the session provides (generate once; validate one output against the requirements).
 */
import type { Requirement, ValidationResult } from './requirement';
import type { ModelOutput } from './types';

/** What a strategy may do during one `act`. */
export interface SamplingRun {
  /** The requirements the output must meet (may be empty). */
  readonly requirements: readonly Requirement[];
  /** One generation through the backend (a `chat` span). */
  generate(): Promise<ModelOutput>;
  /** Checks one output against every requirement (one `requirement_validation` span each). */
  validate(output: ModelOutput): Promise<ValidationResult[]>;
}

/**
 * The outcome of sampling: `success` when some generation met every requirement; every generation and its
 * validations in order (`sampleGenerations.length` is the span's `num_generate_logs`); `result` is the one kept.
 */
export interface SamplingResult {
  readonly success: boolean;
  readonly sampleGenerations: readonly ModelOutput[];
  readonly sampleValidations: readonly (readonly ValidationResult[])[];
  readonly result: ModelOutput;
}

/**
 * A way to turn generations and validations into a {@link SamplingResult}.
 *
 * @example
 * const once: SamplingStrategy = {
 *   async sample(run) {
 *     const output = await run.generate();
 *     const checks = await run.validate(output);
 *     return { success: checks.every((c) => c.passed), sampleGenerations: [output], sampleValidations: [checks], result: output };
 *   },
 * };
 */
export interface SamplingStrategy {
  sample(run: SamplingRun): Promise<SamplingResult>;
}

/** Options of {@link RejectionSamplingStrategy}. */
export interface RejectionSamplingOptions {
  /** The most generations to try (≥ 1). Default 2, as in Mellea. */
  readonly loopBudget?: number;
}

/**
 * Generates, validates, and retries until every requirement passes or `loopBudget` generations were made.
 * On success the passing generation is kept; when the budget is exhausted `success` is false and — as in
 * Mellea — the first generation is kept.
 *
 * @example
 * await session.instruct('Write a haiku about tea', {
 *   requirements: ['mention tea'],
 *   strategy: new RejectionSamplingStrategy({ loopBudget: 3 }),
 * });
 */
export class RejectionSamplingStrategy implements SamplingStrategy {
  readonly loopBudget: number;

  constructor(options: RejectionSamplingOptions = {}) {
    const loopBudget = options.loopBudget ?? 2;
    if (!Number.isInteger(loopBudget) || loopBudget < 1) {
      throw new RangeError(
        `RejectionSamplingStrategy loopBudget must be an integer ≥ 1, got ${String(options.loopBudget)}`,
      );
    }
    this.loopBudget = loopBudget;
  }

  async sample(run: SamplingRun): Promise<SamplingResult> {
    const sampleGenerations: ModelOutput[] = [];
    const sampleValidations: ValidationResult[][] = [];
    for (let attempt = 0; attempt < this.loopBudget; attempt++) {
      const output = await run.generate();
      const validations = run.requirements.length === 0 ? [] : await run.validate(output);
      sampleGenerations.push(output);
      sampleValidations.push(validations);
      if (validations.every((validation) => validation.passed)) {
        return { success: true, sampleGenerations, sampleValidations, result: output };
      }
    }
    return { success: false, sampleGenerations, sampleValidations, result: sampleGenerations[0]! };
  }
}
