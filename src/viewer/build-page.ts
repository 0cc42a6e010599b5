/**
 * The viewer page: one self-contained HTML file (no network, no CDN, no server) with the page's script and
 * style inlined from src/viewer/page/ and the traces embedded as JSON. Span data is untrusted: the JSON is
 * escaped so it cannot close its `<script>` element, the page script only writes it as text, and a Content
 * Security Policy allows the page's own script and style (by hash) and nothing else — no requests at all.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ViewerData, ViewerSpan } from './read-traces';

/**
 * The page's script and style, read when a page is built: `page/` next to this module in the sources, or
 * `src/viewer/page/` of the package (shipped with it) above the bundled `dist/cli.js` or a compiled copy.
 */
function pageAsset(name: string): string {
  const tried: string[] = [];
  for (let dir = __dirname; ; dir = dirname(dir)) {
    for (const candidate of [join(dir, 'page', name), join(dir, 'src', 'viewer', 'page', name)]) {
      if (existsSync(candidate)) return readFileSync(candidate, 'utf8');
      tried.push(candidate);
    }
    if (dirname(dir) === dir) break;
  }
  throw new Error(`the viewer's ${name} is missing (looked for ${tried.slice(0, 2).join(', ')} and above)`);
}

/** Text for an HTML element or attribute. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );
}

/** JSON that is safe inside `<script type="application/json">`: no `<` (so no `</script>` or `<!--`). */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** What the page needs of a span (the reader's working fields stay behind). */
function pageSpan(span: ViewerSpan) {
  const { startEpochMs: _startEpochMs, rawEvents: _rawEvents, ...kept } = span;
  return kept;
}

/** The HTML of the viewer page for `data`. */
export function buildViewerPage(data: ViewerData, options: { title?: string } = {}): string {
  const script = pageAsset('viewer.js');
  const style = pageAsset('viewer.css');
  const payload = {
    spanCount: data.spanCount,
    resources: data.resources,
    traces: data.traces.map((trace) => ({ ...trace, spans: trace.spans.map(pageSpan) })),
  };
  const files = data.sources.map((source) => basename(source.file));
  const title = options.title ?? `Traces: ${files.join(', ')}`;
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    "img-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const sources = data.sources
    .map(
      (source) =>
        `${basename(source.file)} (${source.spans} spans${source.skipped ? `, ${source.skipped} bad lines` : ''})`,
    )
    .join(' · ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="mellea-telemetry view">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<header>
  <h1>Traces</h1>
  <span class="sources" title="${escapeHtml(sources)}">${escapeHtml(sources)}</span>
  <span class="legend"><span><i class="lane-application"></i>application</span><span><i class="lane-backend"></i>backend</span><span><i class="lane-other"></i>other</span><span><i class="lane-error"></i>ERROR</span></span>
  <input id="filter" type="search" placeholder="Filter: span name or attribute value" aria-label="Filter traces and spans">
</header>
<main>
  <section id="list-view">
    <div id="list-count"></div>
    <div class="list-head"><span>root span</span><span>service</span><span>start</span><span class="c-num">duration</span><span class="c-num">spans</span><span>errors</span><span class="c-num">input tok.</span><span class="c-num">output tok.</span></div>
    <div id="list-body" class="virtual"></div>
  </section>
  <section id="trace-view" hidden>
    <div class="trace-head">
      <a id="back" href="#">← all traces</a>
      <h2 id="trace-title"></h2>
      <div id="trace-meta"></div>
      <div id="trace-rollup"></div>
    </div>
    <div class="trace-body">
      <div class="waterfall-pane">
        <div class="axis-row"><span id="match-count"></span><div id="axis"></div></div>
        <div id="waterfall" class="virtual"></div>
      </div>
      <aside id="details"></aside>
    </div>
  </section>
</main>
<script type="application/json" id="trace-data">${scriptSafeJson(payload)}</script>
<script>${script}</script>
</body>
</html>
`;
}
