// `mellea-telemetry view` without a browser: what it reads (Collector files, the OTLP example, several files, bad
// lines), what it computes (tree order, totals, roll-ups), what it writes (one page, escaped), and its command line.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildViewerPage } from '../../src/viewer/build-page';
import { runCli } from '../../src/viewer/cli';
import { readTraceFiles, tracesFromLines } from '../../src/viewer/read-traces';

const fixtures = join(__dirname, 'fixtures');
const collectorFile = join(fixtures, 'collector-fileexporter.jsonl');
const protoExample = join(fixtures, 'otlp-proto-example.json');
const dir = mkdtempSync(join(tmpdir(), 'mellea-viewer-'));

function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  return runCli(args, { out: (text) => out.push(text), err: (text) => err.push(text) }).then((code) => ({
    code,
    out: out.join(''),
    err: err.join(''),
  }));
}

function embedded(html: string): any {
  const match = /<script type="application\/json" id="trace-data">(.*?)<\/script>/s.exec(html);
  return JSON.parse(match![1]!);
}

describe('reading trace files', () => {
  it("reads the Collector fileexporter's lines: a trace split over two lines, other signals ignored", async () => {
    const data = await readTraceFiles([collectorFile]);
    expect(data.sources).toEqual([{ file: collectorFile, lines: 3, spans: 4, skipped: 0, firstBadLine: undefined }]);
    expect(data.traces).toHaveLength(1);
    const [trace] = data.traces;
    expect(trace!.spans.map((span) => [span.depth, span.name, span.kind, span.lane, span.status.code])).toEqual([
      [0, 'session_context', 'INTERNAL', 'application', 'UNSET'],
      [1, 'aact', 'INTERNAL', 'application', 'ERROR'],
      [2, 'chat', 'CLIENT', 'backend', 'UNSET'],
      [2, 'chat', 'CLIENT', 'backend', 'ERROR'],
    ]);
    expect(trace).toMatchObject({
      rootName: 'session_context',
      service: 'checkout',
      start: 1764650000000,
      duration: 2500,
      spanCount: 4,
      errorCount: 2,
      inputTokens: 310,
      outputTokens: 82,
    });
    expect(trace!.spans[1]).toMatchObject({ start: 100, duration: 2300 });
    expect(trace!.rollup).toEqual({
      models: [
        { model: 'gpt-4o-mini', calls: 1, inputTokens: 160, outputTokens: 40 },
        { model: 'gpt-4o-mini-2024-07-18', calls: 1, inputTokens: 150, outputTokens: 42 },
      ],
      chatCalls: 2,
      attempts: 3,
      retries: 2,
      validations: 0,
      rejectedAttempts: 3, // sampling_success=false: every attempt was rejected
      validationErrors: 0,
      failedValidations: 0,
    });
    const failed = trace!.spans[3]!;
    expect(failed.status.message).toBe('429 Too Many Requests');
    expect(failed.events).toEqual([
      {
        name: 'exception',
        time: 2200,
        attributes: [
          ['exception.type', 'RateLimitError'],
          ['exception.message', '429 Too Many Requests'],
        ],
      },
    ]);
    expect(trace!.spans[2]!.attributes).toContainEqual(['gen_ai.response.finish_reasons', ['length']]);
    expect(trace!.spans[2]!.attributes).toContainEqual(['gen_ai.usage.input_tokens', 150]);
    expect(data.resources[trace!.spans[0]!.resource]).toEqual([
      ['service.name', 'checkout'],
      ['host.name', 'gateway-1'],
    ]);
  });

  it("reads a pretty-printed TracesData (the OTLP example's shape): upper-case ids, numeric times, an orphan", async () => {
    const data = await readTraceFiles([protoExample]);
    expect(data.sources[0]).toMatchObject({ spans: 1, skipped: 0 });
    const [trace] = data.traces;
    expect(trace!.id).toBe('5b8efff798038103d269b633813fc60c');
    expect(trace!.spans[0]).toMatchObject({
      id: 'eee19b7ec3c1b174',
      parent: 'eee19b7ec3c1b173',
      orphan: true,
      depth: 0,
      kind: 'SERVER',
      lane: 'other',
      duration: 1000,
    });
  });

  it('merges several files, keeps a span listed twice once, and orders traces by start', async () => {
    const data = await readTraceFiles([collectorFile, protoExample, collectorFile]);
    expect(data.sources.map((source) => source.spans)).toEqual([4, 1, 4]);
    expect(data.spanCount).toBe(5);
    expect(data.traces.map((trace) => trace.service)).toEqual(['my.service', 'checkout']);
  });

  it('counts lines that are not JSON and keeps the rest', () => {
    const good = readFileSync(collectorFile, 'utf8').split('\n')[0]!;
    const data = tracesFromLines([
      '{"resourceSpans": [',
      good,
      'garbage',
      '',
      '{"resourceSpans":[{"scopeSpans":[{}]}]}',
    ]);
    expect(data.sources[0]).toMatchObject({ lines: 5, spans: 2, skipped: 2, firstBadLine: 1 });
    expect(data.traces[0]!.spans.map((span) => span.name)).toEqual(['session_context', 'aact']);
  });

  it('puts spans of a parent cycle and deep chains in the waterfall without recursion', () => {
    const span = (id: string, parent: string | undefined, start: number) => ({
      traceId: 'ab'.repeat(16),
      spanId: id.padStart(16, '0'),
      ...(parent === undefined ? {} : { parentSpanId: parent.padStart(16, '0') }),
      name: `s${id}`,
      startTimeUnixNano: String(start * 1e6),
      endTimeUnixNano: String((start + 1) * 1e6),
    });
    const chain = Array.from({ length: 20_000 }, (_, i) => span(String(i + 1), i === 0 ? undefined : String(i), i));
    const cycle = [span('a1', 'a2', 5), span('a2', 'a1', 6)];
    const line = JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ scope: { name: 'x' }, spans: [...chain, ...cycle] }] }],
    });
    const [trace] = tracesFromLines([line]).traces;
    expect(trace!.spanCount).toBe(20_002);
    expect(trace!.spans[19_999]).toMatchObject({ name: 's20000', depth: 19_999 });
    expect(trace!.spans.slice(-2).map((s) => [s.name, s.orphan])).toEqual([
      ['sa1', true],
      ['sa2', true],
    ]);
  });
});

describe('the page', () => {
  it('is one self-contained HTML file: no external resource, a policy that forbids requests', async () => {
    const html = buildViewerPage(await readTraceFiles([collectorFile]));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/https?:\/\//);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
  });

  it('escapes span data: a hostile name or value cannot close the data element or add markup', () => {
    const hostile = '</script><script>window.pwned=1</script><img src=x onerror=alert(1)><!--';
    const line = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: hostile } }] },
          scopeSpans: [
            {
              scope: { name: hostile },
              spans: [
                {
                  traceId: 'cd'.repeat(16),
                  spanId: 'ef'.repeat(8),
                  name: hostile,
                  startTimeUnixNano: '1',
                  endTimeUnixNano: '2',
                  attributes: [{ key: hostile, value: { stringValue: `\u2028${hostile}` } }],
                },
              ],
            },
          ],
        },
      ],
    });
    const data = tracesFromLines([line], `${hostile}.jsonl`);
    const html = buildViewerPage(data);
    expect(html).not.toContain('<script>window.pwned');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<!--');
    expect(html.match(/<\/script>/g)).toHaveLength(2); // the data element's and the page script's own
    const back = embedded(html);
    expect(back.traces[0].rootName).toBe(hostile);
    expect(back.traces[0].spans[0].attributes).toEqual([[hostile, `\u2028${hostile}`]]);
  });
});

describe('the command line', () => {
  it('writes --out, several files at once, and says what it wrote', async () => {
    const out = join(dir, 'both.html');
    const result = await cli(['view', collectorFile, protoExample, '--out', out]);
    expect(result).toEqual({ code: 0, out: `Wrote ${out}: 2 trace(s), 5 span(s)\n`, err: '' });
    expect(embedded(readFileSync(out, 'utf8')).traces).toHaveLength(2);
  });

  it('warns about bad lines and files without spans, and still writes the page', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, 'not json\n{"resourceLogs":[]}\n');
    const out = join(dir, 'bad.html');
    const result = await cli(['view', bad, `--out=${out}`]);
    expect(result.code).toBe(0);
    expect(result.err).toBe(
      `warning: ${bad}: skipped 1 line(s) that are not JSON (first: line 1)\n` +
        `warning: ${bad}: no spans found (is it an OTLP/JSON trace file?)\n`,
    );
    expect(embedded(readFileSync(out, 'utf8')).traces).toEqual([]);
  });

  it.each([
    [[], 2, 'Usage: mellea-telemetry view FILE...'],
    [['view'], 2, 'mellea-telemetry view: no trace file given'],
    [['view', 'a.jsonl', '--out'], 2, '--out needs a file name'],
    [['view', 'a.jsonl', '--verbose'], 2, 'unknown option --verbose'],
    [['serve', 'a.jsonl'], 2, 'unknown command "serve"'],
    [['view', join(dir, 'missing.jsonl')], 1, `no such file: ${join(dir, 'missing.jsonl')}`],
  ])('%j exits %d with a clear message', async (args, code, message) => {
    const result = await cli(args as string[]);
    expect(result.code).toBe(code);
    expect(result.err).toContain(message);
  });

  it('prints the usage for --help', async () => {
    const result = await cli(['view', '--help']);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('--open');
  });

  it('opens the page with $BROWSER for --open', async () => {
    const opened = join(dir, 'opened.txt');
    const browser = join(dir, 'fake-browser.sh');
    writeFileSync(browser, `#!/bin/sh\necho "$1" > ${JSON.stringify(opened)}\n`, { mode: 0o755 });
    const out = join(dir, 'open.html');
    const saved = process.env['BROWSER'];
    process.env['BROWSER'] = browser;
    try {
      expect((await cli(['view', collectorFile, '--out', out, '--open'])).code).toBe(0);
    } finally {
      if (saved === undefined) delete process.env['BROWSER'];
      else process.env['BROWSER'] = saved;
    }
    // the browser is started detached: wait for it to have run
    const deadline = Date.now() + 10_000;
    while (!existsSync(opened) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readFileSync(opened, 'utf8')).toBe(`${out}\n`);
  });
});
