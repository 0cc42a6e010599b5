import { type Tracer, trace } from '@opentelemetry/api';
import type { ContentRedactor } from './content/redact';
import { APPLICATION_TRACER_NAME, BACKEND_TRACER_NAME, CONTENT_MAX_CODE_POINTS } from './semconv';
import { VERSION } from './version';

/**
 * One trace scope as the decorated call sees it. The object is never replaced, only updated in place, so a
 * wrapper can hold it and check a single boolean on every call.
 */
export interface TraceScope {
  readonly name: string;
  enabled: boolean;
  tracer: Tracer;
}

/** Process-wide runtime state. */
export interface TelemetryState {
  readonly application: TraceScope;
  readonly backend: TraceScope;
  /** Whether the `response` attribute is recorded (MELLEA_TRACE_CONTENT). */
  content: boolean;
  /** Message capture and redaction (updated in place, like the scopes). */
  readonly capture: CaptureSettings;
}

/** How prompts and responses are recorded when content is on. */
export interface CaptureSettings {
  /** OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: record gen_ai.input/output.messages. Default false. */
  messages: boolean;
  /** Bound of each message attribute, in code points. */
  maxCodePoints: number;
  /** The `redact` option of configureTelemetry. */
  redact: ContentRedactor | undefined;
  /**
   * True while a call whose span records nothing (observed only for its metrics) runs its attribute hooks: no
   * message is read for a span that cannot carry it. Set and restored around those synchronous hooks only.
   */
  suspended: boolean;
}

// Kept on globalThis under a registered symbol, as @opentelemetry/api does, so the CommonJS and ESM builds
// (or two copies of the package) loaded in one process share one switchboard.
const STATE_KEY = Symbol.for('mellea-telemetry.state.v1');

function createState(): TelemetryState {
  return {
    // Until a scope is enabled these are the API's proxy tracers: nothing is registered by creating them.
    application: {
      name: APPLICATION_TRACER_NAME,
      enabled: false,
      tracer: trace.getTracer(APPLICATION_TRACER_NAME, VERSION),
    },
    backend: { name: BACKEND_TRACER_NAME, enabled: false, tracer: trace.getTracer(BACKEND_TRACER_NAME, VERSION) },
    content: true,
    capture: { messages: false, maxCodePoints: CONTENT_MAX_CODE_POINTS, redact: undefined, suspended: false },
  };
}

const holder = globalThis as { [STATE_KEY]?: TelemetryState };
/** The shared state (created on first load). */
export const state: TelemetryState = (holder[STATE_KEY] ??= createState());
