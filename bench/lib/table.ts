/** The printed table: one line per measured row, then the memory and export numbers. */
import type { GroupReport, RowStats } from './harness';
import { comparison, describeExport } from './verdicts';

type Reports = Partial<Record<string, GroupReport>>;

/** Nanoseconds as `87.9 ns` or `4.53 µs`. */
export function formatNs(ns: number): string {
  return ns < 1000 ? `${ns.toFixed(1)} ns` : `${(ns / 1000).toFixed(2)} µs`;
}

function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return cells
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatTable(rows: (RowStats & { group: string })[], reports: Reports): string {
  const header = ['group', 'row', 'median', 'min–max', 'vs', 'what'];
  const lines = rows.map((row) => {
    const compared = comparison(reports[row.group], row);
    const versus =
      compared === undefined
        ? ''
        : `${compared.ratio.toFixed(2)}x ${compared.deltaNs >= 0 ? '+' : ''}${formatNs(compared.deltaNs)} vs ${compared.reference}`;
    return [
      row.group,
      row.id,
      formatNs(row.medianNs),
      `${formatNs(row.minNs)}–${formatNs(row.maxNs)}`,
      versus,
      row.label,
    ];
  });
  const parts = lines.length > 0 ? [pad([header, ...lines])] : [];
  const memory = reports.memory;
  if (memory !== undefined) {
    const heap = memory.heapBytes as { start: number; at500k: number; at1M: number };
    parts.push(
      `memory: ${memory.tracedCalls} traced calls in ${(memory.seconds as number).toFixed(1)} s; heap after flush + GC ` +
        `${kib(heap.start)} → ${kib(heap.at500k)} (500k) → ${kib(heap.at1M)} (1M); ` +
        `${(memory.retainedBytesPerCall as number).toFixed(3)} B/call retained; ${memory.spansExported} spans exported`,
    );
  }
  for (const group of ['export', 'export-plain']) {
    const exported = reports[group];
    if (exported === undefined) continue;
    parts.push(
      `${group}: ${exported.pipeline}; ${exported.produced} spans at ${Math.round(exported.producedPerSecond as number)}/s for ` +
        `${exported.durationSeconds} s → ${describeExport(exported)}; ${Math.round(exported.deliveredPerSecondDuringRun as number)} spans/s ` +
        `delivered during the run, ${exported.exportRequests} export requests, receiver count settled ` +
        `${(exported.settledAfterSeconds as number).toFixed(1)} s after start`,
    );
  }
  return parts.join('\n');
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}
