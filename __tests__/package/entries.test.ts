// The package's three entries, written down: what each exports (a change here is a change of the public API, on
// purpose or not), that the main entry carries none of the runtime's classes, and that the dependency between the
// library and the runtime goes one way only: runtime/ -> 'mellea-telemetry', never the reverse.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import * as main from 'mellea-telemetry';
import * as runtime from 'mellea-telemetry/runtime';
import * as testing from 'mellea-telemetry/testing';
import ts from 'typescript';

const MAIN_EXPORTS = [
  'APPLICATION_TRACER_NAME',
  'ATTR_ERROR_TYPE',
  'ATTR_GEN_AI_EVALUATION_EXPLANATION',
  'ATTR_GEN_AI_EVALUATION_NAME',
  'ATTR_GEN_AI_EVALUATION_SCORE_LABEL',
  'ATTR_GEN_AI_INPUT_MESSAGES',
  'ATTR_GEN_AI_OPERATION_NAME',
  'ATTR_GEN_AI_OUTPUT_MESSAGES',
  'ATTR_GEN_AI_REQUEST_MODEL',
  'ATTR_GEN_AI_RESPONSE_FINISH_REASONS',
  'ATTR_GEN_AI_RESPONSE_ID',
  'ATTR_GEN_AI_RESPONSE_MODEL',
  'ATTR_GEN_AI_SYSTEM',
  'ATTR_GEN_AI_SYSTEM_INSTRUCTIONS',
  'ATTR_GEN_AI_TOOL_DEFINITIONS',
  'ATTR_GEN_AI_USAGE_INPUT_TOKENS',
  'ATTR_GEN_AI_USAGE_OUTPUT_TOKENS',
  'ATTR_GEN_AI_USAGE_TOTAL_TOKENS',
  'ATTR_MELLEA_ACTION_TYPE',
  'ATTR_MELLEA_BACKEND',
  'ATTR_MELLEA_CONTEXT_SIZE',
  'ATTR_MELLEA_ERROR_CATEGORY',
  'ATTR_MELLEA_FORMAT_TYPE',
  'ATTR_MELLEA_HAS_FORMAT',
  'ATTR_MELLEA_NUM_ACTIONS',
  'ATTR_MELLEA_REQUIREMENT_PASSED',
  'ATTR_MELLEA_STREAM_ABANDONED',
  'ATTR_MELLEA_TOOL_CALLS_ENABLED',
  'ATTR_MELLEA_USAGE_TOTAL_TOKENS',
  'ATTR_NUM_GENERATE_LOGS',
  'ATTR_REQUIREMENT',
  'ATTR_RESPONSE',
  'ATTR_SAMPLING_SUCCESS',
  'ATTR_SERVICE_NAME',
  'ATTR_STRATEGY',
  'BACKEND_TRACER_NAME',
  'CONTENT_ATTRIBUTES',
  'CONTENT_FREE_MESSAGE',
  'CONTENT_MAX_CODE_POINTS',
  'ERROR_CATEGORIES',
  'EVALUATION_FAIL',
  'EVALUATION_PASS',
  'EVENT_GEN_AI_EVALUATION_RESULT',
  'GEN_AI_LATEST',
  'GEN_AI_LATEST_EXPERIMENTAL',
  'GEN_AI_V1_41_1',
  'GenerativeSlot',
  'METER_NAME',
  'METRIC_MELLEA_LLM_ERRORS',
  'METRIC_MELLEA_REQUIREMENT_CHECKS',
  'METRIC_MELLEA_REQUIREMENT_FAILURES',
  'METRIC_MELLEA_SAMPLING_ATTEMPTS',
  'METRIC_MELLEA_SAMPLING_FAILURES',
  'METRIC_MELLEA_SAMPLING_SUCCESSES',
  'OPERATION_CHAT',
  'OPERATION_TEXT_COMPLETION',
  'RESPONSE_MAX_CODE_POINTS',
  'SPAN_AACT',
  'SPAN_REQUIREMENT_VALIDATION',
  'SPAN_SESSION_CONTEXT',
  'TRUNCATION_MARKER',
  'VERSION',
  'WARNING_TYPE',
  'backendInfo',
  'composeRedactors',
  'configureTelemetry',
  'errorCategory',
  'forceFlushTelemetry',
  'generative',
  'getTelemetryConfig',
  'getTelemetryExportStats',
  'injectTraceContext',
  'isApplicationTracingEnabled',
  'isBackendTracingEnabled',
  'isContentTracingEnabled',
  'isMessageCaptureEnabled',
  'isMetricsEnabled',
  'passesLuhn',
  'providerNameFromClass',
  'readTelemetryConfig',
  'recordRequirementCheck',
  'recordSamplingRun',
  'redactSecrets',
  'redactStrings',
  'reloadTelemetryConfig',
  'scrubSecrets',
  'shutdownTelemetry',
  'stripUrlSecrets',
  'traceApplication',
  'traceBackend',
  'traceMethods',
  'truncateResponse',
];

const RUNTIME_EXPORTS = [
  'BackendConnectionError',
  'BackendError',
  'BackendHttpError',
  'BackendResponseError',
  'BackendStreamLimitError',
  'BackendTimeoutError',
  'ChatContext',
  'FormatError',
  'Instruction',
  'Message',
  'OllamaModelBackend',
  'OpenAIBackend',
  'RejectionSamplingStrategy',
  'Requirement',
  'ScriptedBackend',
  'Session',
  'SimpleContext',
  'TemplateError',
  'ValidationResult',
  'actionMessages',
  'isStandardSchema',
  'jsonSchemaOf',
  'parseFormatted',
  'renderGenerativeSlot',
  'renderMessages',
  'renderPrompt',
  'validateJsonSchema',
];

const TESTING_EXPORTS = [
  'DEFAULT_TREE_ATTRIBUTES',
  'createTestTracing',
  'formatDuration',
  'formatSpanNode',
  'formatSpanTree',
  'spanShape',
  'spanTree',
];

const names = (entry: object): string[] => Object.keys(entry).sort();

/** A class (not a plain function): what a user would decorate or construct. */
const isClass = (value: unknown): boolean =>
  typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));

describe('the entries export exactly the documented names', () => {
  it('mellea-telemetry', () => {
    expect(names(main)).toEqual(MAIN_EXPORTS);
  });

  it('mellea-telemetry/runtime', () => {
    expect(names(runtime)).toEqual(RUNTIME_EXPORTS);
  });

  it('mellea-telemetry/testing', () => {
    expect(names(testing)).toEqual(TESTING_EXPORTS);
  });

  it('the main entry exports no runtime class, and the runtime re-exports nothing of the library', () => {
    const runtimeClasses = RUNTIME_EXPORTS.filter((name) => isClass((runtime as Record<string, unknown>)[name]));
    expect(runtimeClasses).toEqual(expect.arrayContaining(['Session', 'OllamaModelBackend', 'OpenAIBackend']));
    expect(MAIN_EXPORTS.filter((name) => runtimeClasses.includes(name))).toEqual([]);
    for (const name of ['Session', 'OllamaModelBackend', 'OpenAIBackend', 'ScriptedBackend', 'Instruction']) {
      expect(name in main).toBe(false);
    }
    expect(RUNTIME_EXPORTS.filter((name) => MAIN_EXPORTS.includes(name))).toEqual([]);
    // The one class the main entry has is the library's own (what @generative hands to a backend).
    expect(MAIN_EXPORTS.filter((name) => isClass((main as Record<string, unknown>)[name]))).toEqual(['GenerativeSlot']);
  });
});

const root = resolve(__dirname, '..', '..');

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(root, folder, file));
}

/** Every module specifier a file imports, re-exports, requires or dynamically imports (types included). */
function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((ref) => ref.fileName);
}

/** The first folder of the repository a relative specifier lands in (`src`, `runtime`, ...). */
const folderOf = (file: string, specifier: string): string =>
  relative(root, resolve(file, '..', specifier)).split(/[\\/]/)[0]!;

describe('the library never imports the runtime', () => {
  const library = [...sourceFiles('src'), ...sourceFiles('decorators')];
  const runtimeFiles = sourceFiles('runtime');

  it('finds the sources it checks', () => {
    expect(library.length).toBeGreaterThan(20);
    expect(runtimeFiles.length).toBeGreaterThan(10);
    expect(runtimeFiles.flatMap(importsOf)).toContain('mellea-telemetry');
  });

  it('nothing under src/ or decorators/ imports from runtime/ or mellea-telemetry/runtime', () => {
    const offending = library.flatMap((file) =>
      importsOf(file)
        .filter((specifier) =>
          specifier.startsWith('.')
            ? folderOf(file, specifier) === 'runtime'
            : specifier.startsWith('mellea-telemetry'),
        )
        .map((specifier) => `${relative(root, file)}: ${specifier}`),
    );
    expect(offending).toEqual([]);
  });

  it('runtime/ reaches the library only through mellea-telemetry (no relative path out of runtime/)', () => {
    const offending = runtimeFiles.flatMap((file) =>
      importsOf(file)
        .filter((specifier) =>
          specifier.startsWith('.') ? folderOf(file, specifier) !== 'runtime' : /^mellea-telemetry\//.test(specifier),
        )
        .map((specifier) => `${relative(root, file)}: ${specifier}`),
    );
    expect(offending).toEqual([]);
  });
});
