/** The issue's targets, judged from the groups' numbers (ratios always from rows of the same process). */
import type { GroupReport, RowStats } from './harness';
import { pairedDelta, pairedRatio } from './harness';

export interface Verdict {
  readonly target: string;
  readonly pass: boolean;
  readonly measured: string;
}

type Reports = Partial<Record<string, GroupReport>>;

/** For each row that is compared, the row it is compared with (in the same group). */
export const REFERENCE: Readonly<Record<string, string>> = {
  'disabled.async': 'bare.async',
  'disabled.sync': 'bare.sync',
  'raw.backend': 'raw.span-only',
  'enabled.backend': 'raw.backend',
  'enabled.backend.sync': 'raw.backend.sync',
  'enabled.application': 'raw.application',
  'sampled-out.backend': 'raw.backend.sampled-out',
  'sampled-out.application': 'raw.application.sampled-out',
  'enabled.nested': 'raw.nested',
  'await.async-local-storage': 'await.no-context-manager',
  'content.off': 'content.off.baseline',
  'content.on': 'content.off',
  'content.on.redacted': 'content.on',
  'metrics-off.hooks': 'metrics-off.no-hooks',
  'metrics.on': 'metrics.off',
  'metrics.on.app-provider': 'metrics.off',
  'saturated.package': 'saturated.plain',
};

/** Rows measured one after the other rather than interleaved: compared by their medians, not by round. */
const SEQUENTIAL = new Set(['await.async-local-storage']);

export function rowOf(report: GroupReport | undefined, id: string): RowStats | undefined {
  return report?.rows?.find((row) => row.id === id);
}

/** `row` against its reference: ratio and difference (ns), paired by round where the rows were interleaved. */
export function comparison(
  report: GroupReport | undefined,
  row: RowStats,
): { reference: string; ratio: number; deltaNs: number } | undefined {
  const referenceId = REFERENCE[row.id];
  const reference = referenceId === undefined ? undefined : rowOf(report, referenceId);
  if (reference === undefined || referenceId === undefined) return undefined;
  if (SEQUENTIAL.has(row.id)) {
    return {
      reference: referenceId,
      ratio: row.medianNs / reference.medianNs,
      deltaNs: row.medianNs - reference.medianNs,
    };
  }
  return { reference: referenceId, ratio: pairedRatio(row, reference), deltaNs: pairedDelta(row, reference) };
}

const fixed = (value: number, digits = 2): string => value.toFixed(digits);
const signed = (value: number, digits = 2): string => `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;

export function judge(reports: Reports): Verdict[] {
  const verdicts: Verdict[] = [];
  const disabled = reports.disabled;
  for (const flavour of ['async', 'sync'] as const) {
    const row = rowOf(disabled, `disabled.${flavour}`);
    const result = row && comparison(disabled, row);
    if (result === undefined) continue;
    verdicts.push({
      target: `disabled (${flavour}) adds <= 20 ns per call over bare`,
      pass: result.deltaNs <= 20,
      measured: `${signed(result.deltaNs, 1)} ns (bare ${fixed(rowOf(disabled, `bare.${flavour}`)!.medianNs, 1)} ns)`,
    });
    verdicts.push({
      target: `stretch: disabled (${flavour}) <= 1.10x bare`,
      pass: result.ratio <= 1.1,
      measured: `${fixed(result.ratio)}x`,
    });
  }
  const cpu = reports.cpu;
  const ratioTarget = (id: string, target: string, limit = 1.2): void => {
    const row = rowOf(cpu, id);
    const result = row && comparison(cpu, row);
    if (result === undefined) return;
    verdicts.push({ target, pass: result.ratio <= limit, measured: `${fixed(result.ratio)}x (${result.reference})` });
  };
  ratioTarget('enabled.backend', '@traceBackend / raw-API wrapper, same attributes, async <= 1.10', 1.1);
  ratioTarget('enabled.backend.sync', '@traceBackend / raw-API wrapper, same attributes, sync <= 1.10', 1.1);
  ratioTarget('enabled.application', '@traceApplication / raw-API wrapper, same attributes <= 1.10', 1.1);
  ratioTarget('sampled-out.backend', '@traceBackend sampled out / raw API sampled out <= 1.2');
  ratioTarget('sampled-out.application', '@traceApplication sampled out / raw API sampled out <= 1.2');

  const content = reports.content;
  const captureOff = rowOf(content, 'content.off');
  const offCost = captureOff && comparison(content, captureOff);
  if (offCost !== undefined) {
    verdicts.push({
      target: 'message capture off costs nothing measurable (<= 1.03x the recipe without the capture hooks)',
      pass: offCost.ratio <= 1.03,
      measured: `${fixed(offCost.ratio)}x, ${signed(offCost.deltaNs, 1)} ns (${offCost.reference})`,
    });
  }
  verdicts.push(...judgeMetrics(reports.metrics));

  const memory = reports.memory;
  if (memory !== undefined) {
    const perCall = memory.retainedBytesPerCall as number;
    const growth = memory.growthBytes500kTo1M as number;
    verdicts.push({
      target: 'retained heap <= 1 byte per call after 1M traced calls (flush + GC)',
      pass: perCall <= 1,
      measured: `${fixed(perCall, 3)} B/call`,
    });
    // "No growth" allows 0.25 B/call (122 KiB over 500k calls): after GC, V8's own compiled code, feedback and
    // caches still move by tens of KiB here (a heap-snapshot diff shows only V8-internal objects). A leak of one
    // small object per 100 calls would exceed it.
    verdicts.push({
      target: 'no heap growth between 500k and 1M calls (<= 0.25 B/call, V8 noise)',
      pass: growth / 500_000 <= 0.25,
      measured: `${signed(growth / 1024, 1)} KiB (${signed(growth / 500_000, 3)} B/call)`,
    });
  }

  const imports = [reports.context, reports['context-dist']].filter((report) => report !== undefined);
  if (imports.length > 0) {
    const checks = imports.map((report) => report.importWithTracingOff as ImportCheck);
    const awaits = rowOf(reports.context, 'await.async-local-storage');
    const cost = awaits && comparison(reports.context, awaits);
    verdicts.push({
      target: 'import with tracing off registers no async context manager',
      pass: checks.every((check) => check.tracingOff && !check.contextManagerRegistered),
      measured:
        checks.map(describeImport).join('; ') +
        (cost ? `; an AsyncLocalStorage manager would make each await ${fixed(cost.ratio, 1)}x slower` : ''),
    });
  }

  const saturated = reports['export-saturated'];
  const dropRow = rowOf(saturated, 'saturated.package');
  const drop = dropRow && comparison(saturated, dropRow);
  if (drop !== undefined) {
    verdicts.push({
      target: 'saturated pipeline: a dropped span costs <= 50 ns over the plain BatchSpanProcessor',
      pass: drop.deltaNs <= 50,
      measured: `${signed(drop.deltaNs, 1)} ns per span (${fixed(drop.ratio)}x), ${saturated!.droppedByPackage} spans dropped`,
    });
  }

  const exported = reports.export;
  if (exported !== undefined) {
    const plain = reports['export-plain'];
    verdicts.push({
      target: 'export: no drops at 10,000 spans/s for 10 s (default batch settings, loopback gRPC)',
      pass: (exported.dropped as number) === 0,
      measured:
        `${describeExport(exported)}` +
        (plain === undefined ? '' : `; plain SDK pipeline, same load: ${describeExport(plain)}`),
    });
  }
  return verdicts;
}

/** `99041/100000 delivered, 959 dropped (959 in the first second)`. */
export function describeExport(report: GroupReport): string {
  const dropped = report.dropped as number;
  const seconds = report.cumulativeEachSecond as { droppedByPipeline: number }[];
  const firstSecond = seconds[0]?.droppedByPipeline ?? 0;
  return (
    `${report.delivered}/${report.produced} delivered, ${dropped} dropped` +
    (dropped > 0 ? ` (${firstSecond} in the first second)` : '')
  );
}

interface ImportCheck {
  entry: string;
  tracingOff: boolean;
  contextManagerRegistered: boolean;
  sdkLoaded: boolean;
  contextHooksLoaded: boolean;
}

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

function describeImport(check: ImportCheck): string {
  return (
    `${check.entry}: tracing off ${yesNo(check.tracingOff)}, manager registered ${yesNo(check.contextManagerRegistered)}, ` +
    `SDK loaded ${yesNo(check.sdkLoaded)}, context-async-hooks loaded ${yesNo(check.contextHooksLoaded)}`
  );
}

/** The metrics targets: off costs ≤ 20 ns on a traced call; on adds ≤ 15% to an enabled backend call. */
function judgeMetrics(report: GroupReport | undefined): Verdict[] {
  const verdicts: Verdict[] = [];
  const hooks = rowOf(report, 'metrics-off.hooks');
  const hooksCost = hooks && comparison(report, hooks);
  if (hooksCost !== undefined) {
    verdicts.push({
      target: 'metrics off adds <= 20 ns to a traced call (its hooks, against the same loop without them)',
      pass: hooksCost.deltaNs <= 20,
      measured: `${signed(hooksCost.deltaNs, 1)} ns`,
    });
  }
  const on = rowOf(report, 'metrics.on');
  const onCost = on && comparison(report, on);
  if (onCost !== undefined) {
    verdicts.push({
      target: 'metrics on adds <= 15% to an enabled backend call',
      pass: onCost.ratio <= 1.15,
      measured: `${fixed(onCost.ratio)}x (${signed(onCost.deltaNs, 0)} ns over ${fixed(rowOf(report, 'metrics.off')!.medianNs, 0)} ns)`,
    });
  }
  return verdicts;
}
