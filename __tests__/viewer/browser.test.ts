/// <reference lib="dom" />
// The viewer page in a real headless Chromium (Debian's `chromium`, driven by playwright-core): the example's
// traces as a user sees them — the list, the waterfall in parent order with bars proportional to durations, the
// ERROR spans, a chat span's token counts, the filter and `#trace=` links — and hostile span data staying text.
// Writes a screenshot (docs/images/trace-viewer.png with MELLEA_UPDATE_SCREENSHOT=1, else under the temp dir).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../../bench/lib/chromium';
import { syntheticTraceLines } from '../../bench/lib/synthetic-traces';
import { runCli } from '../../src/viewer/cli';
import { checkTracesDataLine, otlpAttribute, ROOT, writeExampleTraces } from './support';

if (!existsSync(CHROMIUM_PATH)) {
  throw new Error(
    `the browser test needs Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (.ci/run does this), ` +
      'or set MELLEA_CHROMIUM to another Chromium binary',
  );
}

jest.setTimeout(30_000);

const dir = mkdtempSync(join(tmpdir(), 'mellea-browser-'));
const screenshot =
  process.env['MELLEA_UPDATE_SCREENSHOT'] === '1'
    ? join(ROOT, 'docs', 'images', 'trace-viewer.png')
    : join(dir, 'trace-viewer.png');
let browser: BrowserContext;
let page: Page;
let pageUrl: string;
const spans: Record<string, any>[] = [];
const pageErrors: string[] = [];

async function view(files: string[], name: string): Promise<string> {
  const out = join(dir, name);
  const code = await runCli(['view', ...files, '--out', out], { out: () => {}, err: () => {} });
  expect(code).toBe(0);
  return pathToFileURL(out).href;
}

async function open(url: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
}

beforeAll(async () => {
  const file = join(dir, 'example.jsonl');
  await writeExampleTraces(file);
  for (const line of readFileSync(file, 'utf8').trim().split('\n'))
    expect(checkTracesDataLine(line, spans)).toEqual([]);
  pageUrl = await view([file], 'example.html');
  browser = await launchChromium();
  page = await browser.newPage();
  const requests: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) requests.push(request.url());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  (page as unknown as { requests: string[] }).requests = requests;
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

const [okTraceId, failedTraceId] = [() => spans[0]!.traceId as string, () => spans.at(-1)!.traceId as string];

describe('the viewer page in Chromium', () => {
  it("lists the example's traces: root span, service, span count, errors, tokens", async () => {
    await open(pageUrl);
    const rows = await page.$$eval('.trace-row', (elements) =>
      elements.map((row) => ({
        id: (row as HTMLElement).dataset['traceId'],
        cells: [...row.children].map((cell) => cell.textContent),
        error: row.classList.contains('has-error'),
      })),
    );
    expect(rows).toHaveLength(2);
    const ok = spans.filter((span) => span.traceId === rows[0]!.id);
    const input = ok.reduce((sum, span) => sum + Number(otlpAttribute(span, 'gen_ai.usage.input_tokens') ?? 0), 0);
    expect(rows[0]!.cells[0]).toBe('session_context');
    expect(rows[0]!.cells[1]).toBe('mellea');
    expect(rows[0]!.cells[4]).toBe('18');
    expect(rows[0]!.cells[6]).toBe(input.toLocaleString('en-US'));
    expect(rows[0]!.error).toBe(false);
    expect(rows[1]!.cells[0]).toBe('session_context');
    expect(rows[1]!.error).toBe(true);
    expect(rows[1]!.cells[5]).toBe('3 error');
    expect(await page.textContent('#list-count')).toBe('2 traces, 21 spans');
  });

  it('opens the waterfall on click: rows in parent order, bars proportional to durations', async () => {
    await open(pageUrl);
    await page.click(`.trace-row[data-trace-id="${okTraceId()}"]`);
    await page.waitForSelector('.span-row');
    expect(page.url()).toContain(`#trace=${okTraceId()}`);
    const rows = await page.$$eval('.span-row', (elements) =>
      elements
        .map((row) => {
          const bar = row.querySelector('.bar')!.getBoundingClientRect();
          const lane = row.querySelector('.span-timeline')!.getBoundingClientRect();
          const data = (row as HTMLElement).dataset;
          return {
            index: Number(data['index']),
            id: data['spanId']!,
            parent: data['parentId']!,
            depth: Number(data['depth']),
            duration: Number(data['durationMs']),
            name: row.querySelector('.span-name')!.textContent,
            indent: Number.parseFloat(getComputedStyle(row.querySelector('.span-label')!).paddingLeft),
            barLeft: bar.left - lane.left,
            barWidth: bar.width,
            laneWidth: lane.width,
          };
        })
        .sort((a, b) => a.index - b.index),
    );
    expect(rows).toHaveLength(18);
    // parent order: the same spans as the file, each after its parent, indented one step deeper
    expect(new Set(rows.map((row) => row.id))).toEqual(
      new Set(spans.filter((span) => span.traceId === okTraceId()).map((span) => span.spanId)),
    );
    expect(rows[0]).toMatchObject({ name: 'session_context', parent: '', depth: 0 });
    for (const row of rows.slice(1)) {
      const parent = rows.find((candidate) => candidate.id === row.parent)!;
      expect(parent.index).toBeLessThan(row.index);
      expect(row.depth).toBe(parent.depth + 1);
      expect(row.indent).toBeGreaterThan(parent.indent);
    }
    expect(rows.filter((row) => row.depth === 1).map((row) => row.name)).toEqual([
      'aact',
      'aact',
      'aact',
      'aact',
      'aact',
    ]);
    // widths proportional to durations (bars are at least 1 px), offsets to start times, on the trace's time scale
    const own = spans.filter((span) => span.traceId === okTraceId());
    const nanos = (span: Record<string, any>, key: string) => BigInt(span[key]);
    const first = own.map((span) => nanos(span, 'startTimeUnixNano')).sort((a, b) => (a < b ? -1 : 1))[0]!;
    const last = own.map((span) => nanos(span, 'endTimeUnixNano')).sort((a, b) => (a > b ? -1 : 1))[0]!;
    const totalMs = Number(last - first) / 1e6;
    for (const row of rows) {
      const span = own.find((candidate) => candidate.spanId === row.id)!;
      const durationMs = Number(nanos(span, 'endTimeUnixNano') - nanos(span, 'startTimeUnixNano')) / 1e6;
      const offsetMs = Number(nanos(span, 'startTimeUnixNano') - first) / 1e6;
      expect(Math.abs(row.barWidth - Math.max(1, (durationMs / totalMs) * row.laneWidth))).toBeLessThan(1.5);
      expect(Math.abs(row.barLeft - (offsetMs / totalMs) * row.laneWidth)).toBeLessThan(1.5);
    }
  });

  it('marks ERROR spans: red bar, ERROR badge, the status message and the exception in the details', async () => {
    await open(`${pageUrl}#trace=${failedTraceId()}`);
    await page.waitForSelector('.span-row');
    const marked = await page.$$eval('.span-row', (elements) =>
      elements.map((row) => ({
        name: row.querySelector('.span-name')!.textContent,
        error: row.classList.contains('error'),
        badge: row.querySelector('.badge.error')?.textContent ?? null,
        color: getComputedStyle(row.querySelector('.bar')!).backgroundColor,
      })),
    );
    expect(marked.map((row) => [row.name, row.error, row.badge])).toEqual([
      ['session_context', true, 'ERROR'],
      ['aact', true, 'ERROR'],
      ['chat', true, 'ERROR'],
    ]);
    for (const row of marked) expect(row.color).toBe('rgb(214, 47, 47)');
    await page.click('.span-row[data-index="2"]');
    const details = await page.textContent('#details');
    expect(details).toContain('ERROR');
    expect(details).toContain('BackendConnectionError');
    expect(details).toContain('could not reach http://127.0.0.1:');
  });

  it("shows a chat span's gen_ai.usage.input_tokens when it is selected, and writes the screenshot", async () => {
    await open(`${pageUrl}#trace=${okTraceId()}`);
    await page.waitForSelector('.span-row');
    const chat = spans.find((span) => span.traceId === okTraceId() && span.name === 'chat')!;
    await page.click(`.span-row[data-span-id="${chat.spanId}"]`);
    const value = await page.textContent('#details tr[data-key="gen_ai.usage.input_tokens"] td');
    expect(value).toBe(otlpAttribute(chat, 'gen_ai.usage.input_tokens'));
    expect(await page.textContent('#details h2')).toContain('chat');
    expect(await page.$$eval('#details h3', (hs) => hs.map((h) => h.textContent))).toEqual([
      'gen_ai.*',
      'mellea.*',
      'resource',
    ]);
    expect(page.url()).toContain(`&span=${chat.spanId}`);
    // the roll-ups of the trace
    const rollup = await page.textContent('#rollup');
    expect(rollup).toContain('chat calls8');
    expect(rollup).toContain('retries (num_generate_logs − 1)1');
    expect(rollup).toContain('scripted-1');
    await page.screenshot({ path: screenshot });
    expect(readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG');
  });

  it('shows the response attribute of an aact as text; a #trace=…&span=… link selects that span', async () => {
    const [first, second] = spans.filter((span) => span.traceId === okTraceId() && span.name === 'aact');
    await open(`${pageUrl}#trace=${okTraceId()}&span=${first!.spanId}`);
    await page.waitForSelector('#details pre.response');
    expect(await page.textContent('#details pre.response')).toBe(otlpAttribute(first!, 'response'));
    expect(await page.getAttribute('.span-row.selected', 'data-span-id')).toBe(first!.spanId);
    // a link to another span of the open trace (same document: only the hash changes)
    await page.evaluate((hash) => {
      location.hash = hash;
    }, `trace=${okTraceId()}&span=${second!.spanId}`);
    await page.waitForSelector(`.span-row.selected[data-span-id="${second!.spanId}"]`);
    expect(await page.textContent('#details pre.response')).toBe(otlpAttribute(second!, 'response'));
  });

  it('filters by span name or attribute value, in the list and in the waterfall', async () => {
    await open(pageUrl);
    await page.fill('#filter', 'requirement_validation');
    await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 1);
    expect(await page.textContent('#list-count')).toBe('1 of 2 traces match');
    await page.click('.trace-row');
    await page.waitForSelector('.span-row.match');
    expect(await page.$$eval('.span-row.match .span-name', (names) => names.map((n) => n.textContent))).toEqual([
      'requirement_validation',
      'requirement_validation',
      'requirement_validation',
      'requirement_validation',
    ]);
    await page.fill('#filter', 'BackendConnectionError');
    await page.click('#back');
    await page.waitForSelector(`.trace-row[data-trace-id="${failedTraceId()}"]`);
    expect(await page.$$('.trace-row')).toHaveLength(1);
  });

  it('made no request and raised no script error: the page is self-contained', () => {
    expect((page as unknown as { requests: string[] }).requests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

describe('untrusted span data in Chromium', () => {
  it('shows hostile names and values as text and runs none of them', async () => {
    const hostile = '<img src=x onerror="window.pwned=1"></script><script>window.pwned=2</script>';
    const file = join(dir, 'hostile.jsonl');
    const span = {
      traceId: 'cd'.repeat(16),
      spanId: 'ef'.repeat(8),
      name: hostile,
      kind: 1,
      startTimeUnixNano: '1000000',
      endTimeUnixNano: '2000000',
      attributes: [
        { key: 'response', value: { stringValue: hostile } },
        { key: hostile, value: { stringValue: hostile } },
      ],
      events: [
        {
          name: 'exception',
          timeUnixNano: '1500000',
          attributes: [{ key: 'exception.message', value: { stringValue: hostile } }],
        },
      ],
      status: { code: 2, message: hostile },
    };
    const data = {
      resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: hostile }, spans: [span] }] }],
    };
    writeFileSync(file, `${JSON.stringify(data)}\n`);
    const url = await view([file], 'hostile.html');
    await open(url);
    expect(await page.textContent('.trace-row .c-name')).toBe(hostile);
    await page.click('.trace-row');
    await page.waitForSelector('#details pre.response');
    expect(await page.textContent('#details pre.response')).toBe(hostile);
    expect(await page.textContent('.span-row .span-name')).toBe(hostile);
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.$$('img')).toHaveLength(0);
    expect(await page.$$('script')).toHaveLength(2);
  });
});

describe('a 10,000-span file in Chromium', () => {
  it('renders lazily: the list and a 10,000-span waterfall keep only the rows in view in the DOM', async () => {
    const file = join(dir, 'large.jsonl');
    writeFileSync(file, `${[...syntheticTraceLines(1, 9_000), ...syntheticTraceLines(100, 10, 1)].join('\n')}\n`);
    const url = await view([file], 'large.html');
    await open(url);
    expect(await page.textContent('#list-count')).toBe('101 traces, 10,000 spans');
    expect((await page.$$('.trace-row')).length).toBeLessThan(101);
    const big = await page.getAttribute('.trace-row', 'data-trace-id');
    await page.click('.trace-row');
    await page.waitForSelector('.span-row');
    expect(big).not.toBeNull();
    const rendered = (await page.$$('.span-row')).length;
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(200);
    // scrolling to the end brings the last rows in (and drops the first)
    await page.$eval('#waterfall', (element) => {
      element.scrollTop = element.scrollHeight;
    });
    await page.waitForSelector('.span-row[data-index="8999"]');
    expect(await page.$('.span-row[data-index="0"]')).toBeNull();
  }, 60_000);
});
