/// <reference lib="dom" />
/**
 * `npm run bench:viewer`: how fast the `mellea-telemetry view` page opens in headless Chromium with 10,000 spans,
 * against the same page with the example's size (20 spans) measured in the same run.
 *
 * Cases: one trace of 10,000 spans (the waterfall's worst case) and 1,000 traces of 10 spans (the list's).
 * Measured, median of 5 fresh page loads each:
 *   - first view: navigation start → the trace list painted (max of first-contentful-paint and load end);
 *   - open trace: the `#trace=` link followed on the loaded page → its first waterfall rows in the DOM, next frame;
 *   - direct link: a load of `page.html#trace=<id>` → the waterfall painted.
 * Also the page size and the time `view` takes to build it (Node). Timings are printed, never asserted.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { buildViewerPage } from '../src/viewer/build-page';
import { tracesFromLines } from '../src/viewer/read-traces';
import { launchChromium } from './lib/chromium';
import { syntheticTraceLines } from './lib/synthetic-traces';

const ROUNDS = 5;

interface Case {
  label: string;
  lines: string[];
}

const CASES: Case[] = [
  { label: 'baseline: 1 trace × 20 spans', lines: syntheticTraceLines(1, 20) },
  { label: '1 trace × 10,000 spans', lines: syntheticTraceLines(1, 10_000) },
  { label: '1,000 traces × 10 spans', lines: syntheticTraceLines(1_000, 10) },
];

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Milliseconds from navigation start until the page is painted with its first view. */
async function paintedAt(page: Page): Promise<number> {
  await page.waitForSelector('body[data-ready="true"]');
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        // Wait for the frame after the first view, then read what the browser recorded.
        requestAnimationFrame(() =>
          setTimeout(() => {
            const paint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0;
            const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
            resolve(Math.max(paint, nav?.loadEventEnd ?? 0, nav?.domContentLoadedEventEnd ?? 0));
          }, 0),
        );
      }),
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mellea-bench-viewer-'));
  const browser = await launchChromium();
  const rows: string[][] = [];
  let baseline: { first: number; open: number; direct: number } | undefined;
  try {
    for (const { label, lines } of CASES) {
      const buildStart = performance.now();
      const data = tracesFromLines(lines);
      const html = buildViewerPage(data);
      const buildMs = performance.now() - buildStart;
      const file = join(dir, `${label.replace(/\W+/g, '-')}.html`);
      writeFileSync(file, html);
      const url = pathToFileURL(file).href;
      const biggest = [...data.traces].sort((a, b) => b.spanCount - a.spanCount)[0]!;
      const first: number[] = [];
      const open: number[] = [];
      const direct: number[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const page = await browser.newPage();
        await page.goto(url);
        first.push(await paintedAt(page));
        open.push(
          await page.evaluate(
            (id) =>
              new Promise<number>((resolve) => {
                const start = performance.now();
                location.hash = `trace=${id}`;
                const check = () => {
                  if (document.querySelector('.span-row'))
                    requestAnimationFrame(() => resolve(performance.now() - start));
                  else requestAnimationFrame(check);
                };
                check();
              }),
            biggest.id,
          ),
        );
        await page.close();
        const linked = await browser.newPage();
        await linked.goto(`${url}#trace=${biggest.id}`);
        await linked.waitForSelector('.span-row');
        direct.push(await paintedAt(linked));
        await linked.close();
      }
      const result = { first: median(first), open: median(open), direct: median(direct) };
      baseline ??= result;
      const ratio = (value: number, base: number) => `${(value / base).toFixed(1)}×`;
      rows.push([
        label,
        String(data.spanCount),
        `${(html.length / 1e6).toFixed(2)} MB`,
        `${buildMs.toFixed(0)} ms`,
        `${result.first.toFixed(0)} ms (${ratio(result.first, baseline.first)})`,
        `${result.open.toFixed(0)} ms (${ratio(result.open, baseline.open)})`,
        `${result.direct.toFixed(0)} ms (${ratio(result.direct, baseline.direct)})`,
      ]);
    }
  } finally {
    await browser.close();
  }
  const header = ['case', 'spans', 'page', 'build (node)', 'first view', 'open trace', 'direct #trace= link'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const format = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  console.log(`Chromium headless, median of ${ROUNDS} fresh loads; ratios against the baseline row`);
  console.log([format(header), format(widths.map((w) => '-'.repeat(w))), ...rows.map(format)].join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
