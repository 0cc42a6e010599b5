/**
 * Requirement checks as Gen-AI evaluations: a `requirement_validation` span gets `mellea.requirement.passed`
 * and a `gen_ai.evaluation.result` event naming the requirement, with the pass/fail label and — only when
 * message capture is on — the explanation (a content attribute: redacted and bounded like the others).
 */
import type { AttributeMap } from '../coerce';
import { isCapturingMessages } from '../content/capture';
import {
  ATTR_GEN_AI_EVALUATION_EXPLANATION,
  ATTR_GEN_AI_EVALUATION_NAME,
  ATTR_GEN_AI_EVALUATION_SCORE_LABEL,
  ATTR_MELLEA_REQUIREMENT_PASSED,
  EVALUATION_FAIL,
  EVALUATION_PASS,
  EVENT_GEN_AI_EVALUATION_RESULT,
  SPAN_REQUIREMENT_VALIDATION,
} from '../semconv';
import { state } from '../state';
import type { SpanEventInput } from '../traced-call';
import { classNameOf, readProperty } from './read';

/** One check's outcome, as an `evaluation` option of `@traceApplication` returns it. */
export interface EvaluationOutcome {
  /**
   * What was checked (`gen_ai.evaluation.name`): by convention the requirement's description — with
   * `MELLEA_TRACE_CONTENT=false` its `name`, else its class name (the description is the user's own text).
   */
  readonly name: string;
  /** Whether it passed (`gen_ai.evaluation.score.label` = `pass` / `fail`). */
  readonly passed: boolean;
  /** Why (`gen_ai.evaluation.explanation`, recorded only with message capture on). */
  readonly explanation?: string;
}

/** Reads an outcome from a method's result. */
export type EvaluationReader<This = any, Args extends unknown[] = any[]> = (
  result: any,
  self: This,
  args: Args,
) => EvaluationOutcome | undefined;

/**
 * The reader for a span: the option when given, else — for `requirement_validation` spans — the convention
 * `{ passed: boolean, requirement: { description } | string, reason? }` (the runtime's `ValidationResult`).
 */
export function evaluationReaderFor(
  spanName: string,
  option: EvaluationReader | undefined,
): EvaluationReader | undefined {
  if (option !== undefined) return option;
  return spanName === SPAN_REQUIREMENT_VALIDATION ? conventionalOutcome : undefined;
}

function conventionalOutcome(result: unknown): EvaluationOutcome | undefined {
  const passed = readProperty(result, 'passed');
  if (typeof passed !== 'boolean') return undefined;
  const requirement = readProperty(result, 'requirement');
  // The description is the user's own text (it is sent to the judge): with content off, a content-free name.
  const name = state.content
    ? typeof requirement === 'string'
      ? requirement
      : readProperty(requirement, 'description')
    : contentFreeName(requirement);
  const reason = readProperty(result, 'reason') ?? readProperty(result, 'explanation');
  return {
    name: typeof name === 'string' ? name : 'requirement',
    passed,
    ...(typeof reason === 'string' ? { explanation: reason } : {}),
  };
}

/** A requirement's own `name`, else its class name (never its description). */
function contentFreeName(requirement: unknown): string | undefined {
  if (requirement === null || typeof requirement !== 'object') return undefined;
  const own = readProperty(requirement, 'name');
  return typeof own === 'string' && own !== '' ? own : classNameOf(requirement);
}

/** `mellea.requirement.passed` on the span. */
export function writeEvaluationAttributes(outcome: EvaluationOutcome | undefined, out: AttributeMap): void {
  if (outcome !== undefined) out[ATTR_MELLEA_REQUIREMENT_PASSED] = outcome.passed;
}

/** The `gen_ai.evaluation.result` event. */
export function evaluationEvents(outcome: EvaluationOutcome | undefined): SpanEventInput[] | undefined {
  if (outcome === undefined) return undefined;
  const attributes: AttributeMap = {
    [ATTR_GEN_AI_EVALUATION_NAME]: outcome.name,
    [ATTR_GEN_AI_EVALUATION_SCORE_LABEL]: outcome.passed ? EVALUATION_PASS : EVALUATION_FAIL,
  };
  if (outcome.explanation !== undefined && isCapturingMessages())
    attributes[ATTR_GEN_AI_EVALUATION_EXPLANATION] = outcome.explanation;
  return [{ name: EVENT_GEN_AI_EVALUATION_RESULT, attributes }];
}
