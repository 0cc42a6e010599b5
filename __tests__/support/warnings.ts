import { WARNING_TYPE } from 'mellea-telemetry';

/** Collects this package's process warnings (spying on process.emitWarning) for the current test file. */
export function captureWarnings(): string[] {
  const warnings: string[] = [];
  beforeAll(() => {
    jest.spyOn(process, 'emitWarning').mockImplementation(((message: string, options?: { type?: string }) => {
      if (options?.type === WARNING_TYPE) warnings.push(message);
    }) as typeof process.emitWarning);
  });
  afterAll(() => jest.restoreAllMocks());
  beforeEach(() => (warnings.length = 0));
  return warnings;
}
