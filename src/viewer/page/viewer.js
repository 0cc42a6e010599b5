// The trace viewer page (`mellea-telemetry view`): plain browser JavaScript, inlined into the generated HTML with
// the traces as JSON. Span data is untrusted: it only ever reaches the page as text (textContent, never
// innerHTML). Long lists (traces, waterfall rows) are virtual: only the rows in view exist in the DOM, so a file
// of 10,000 spans opens as fast as a small one.
(() => {
  const data = JSON.parse(document.getElementById('trace-data').textContent);
  const traces = data.traces;
  const tracesById = new Map(traces.map((trace) => [trace.id, trace]));
  const LIST_ROW = 28;
  const SPAN_ROW = 24;

  const $ = (id) => document.getElementById(id);
  /** An element with properties (className, title, dataset...) and children (strings become text nodes). */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props ?? {})) {
      if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key === 'style') Object.assign(node.style, value);
      else node[key] = value;
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
    }
    return node;
  }

  function formatMs(ms) {
    if (ms < 1) return `${Math.round(ms * 1000)} µs`;
    if (ms < 1000) return `${Number(ms.toPrecision(3))} ms`;
    if (ms < 60_000) return `${Number((ms / 1000).toPrecision(3))} s`;
    return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  }
  const formatTime = (epochMs) => new Date(epochMs).toISOString().replace('T', ' ').replace('Z', ' UTC');
  const formatValue = (value) => (typeof value === 'string' ? value : JSON.stringify(value));
  const formatCount = (n) => n.toLocaleString('en-US');

  /** Keeps only the rows in view (plus a margin) in the DOM. `render(index)` builds one row. */
  function virtualList(container, rowHeight, count, render) {
    const spacer = el('div', { className: 'spacer', style: { height: `${count * rowHeight}px` } });
    container.replaceChildren(spacer);
    const shown = new Map();
    let scheduled = false;
    function update() {
      scheduled = false;
      const top = container.scrollTop;
      const height = container.clientHeight || window.innerHeight;
      const first = Math.max(0, Math.floor(top / rowHeight) - 20);
      const last = Math.min(count, Math.ceil((top + height) / rowHeight) + 20);
      for (const [index, row] of shown) {
        if (index < first || index >= last) {
          row.remove();
          shown.delete(index);
        }
      }
      for (let index = first; index < last; index += 1) {
        if (shown.has(index)) continue;
        const row = render(index);
        row.style.top = `${index * rowHeight}px`;
        row.style.height = `${rowHeight}px`;
        spacer.append(row);
        shown.set(index, row);
      }
    }
    container.onscroll = () => {
      if (!scheduled) {
        scheduled = true;
        requestAnimationFrame(update);
      }
    };
    update();
    return {
      refresh() {
        for (const row of shown.values()) row.remove();
        shown.clear();
        update();
      },
      scrollTo(index) {
        const top = index * rowHeight;
        if (top < container.scrollTop || top > container.scrollTop + container.clientHeight - rowHeight)
          container.scrollTop = Math.max(0, top - container.clientHeight / 3);
        update();
      },
    };
  }

  // ----- filter ------------------------------------------------------------------------------------------------
  const searchText = new Map();
  /** Lower-cased names and attribute values of a span, built on first use. */
  function spanText(span) {
    let text = searchText.get(span);
    if (text === undefined) {
      text = [span.name, ...span.attributes.map(([, value]) => formatValue(value))].join('\n').toLowerCase();
      searchText.set(span, text);
    }
    return text;
  }
  let query = '';
  const spanMatches = (span) => query !== '' && spanText(span).includes(query);
  const traceMatches = (trace) => query === '' || trace.spans.some((span) => spanText(span).includes(query));

  // ----- trace list --------------------------------------------------------------------------------------------
  let listed = traces;
  function renderList() {
    listed = traces.filter(traceMatches);
    $('list-count').textContent =
      query === ''
        ? `${formatCount(traces.length)} traces, ${formatCount(data.spanCount)} spans`
        : `${formatCount(listed.length)} of ${formatCount(traces.length)} traces match`;
    virtualList($('list-body'), LIST_ROW, listed.length, (index) => {
      const trace = listed[index];
      return el(
        'a',
        {
          className: `trace-row${trace.errorCount > 0 ? ' has-error' : ''}`,
          href: `#trace=${trace.id}`,
          dataset: { traceId: trace.id },
        },
        el('span', { className: 'c-name', title: trace.rootName }, trace.rootName),
        el('span', { className: 'c-service', title: trace.service }, trace.service),
        el('span', { className: 'c-start' }, formatTime(trace.start)),
        el('span', { className: 'c-num' }, formatMs(trace.duration)),
        el('span', { className: 'c-num' }, formatCount(trace.spanCount)),
        el(
          'span',
          { className: 'c-error' },
          trace.errorCount > 0 ? el('span', { className: 'badge error' }, `${trace.errorCount} error`) : '',
        ),
        el('span', { className: 'c-num' }, formatCount(trace.inputTokens)),
        el('span', { className: 'c-num' }, formatCount(trace.outputTokens)),
      );
    });
  }

  // ----- one trace ---------------------------------------------------------------------------------------------
  let current;
  let waterfall;
  let selected;

  function rollup(trace) {
    const r = trace.rollup;
    const models =
      r.models.length === 0
        ? el('p', { className: 'muted' }, 'No GenAI calls in this trace.')
        : el(
            'table',
            { className: 'models' },
            el(
              'thead',
              {},
              el('tr', {}, el('th', {}, 'model'), el('th', {}, 'calls'), el('th', {}, 'input'), el('th', {}, 'output')),
            ),
            el(
              'tbody',
              {},
              r.models.map((m) =>
                el(
                  'tr',
                  {},
                  el('td', {}, m.model),
                  el('td', {}, formatCount(m.calls)),
                  el('td', {}, formatCount(m.inputTokens)),
                  el('td', {}, formatCount(m.outputTokens)),
                ),
              ),
            ),
          );
    const fact = (label, value, warn) =>
      el('div', { className: `fact${warn ? ' warn' : ''}` }, el('span', {}, label), el('strong', {}, value));
    return el(
      'div',
      { className: 'rollup', id: 'rollup' },
      el(
        'div',
        { className: 'facts' },
        fact('chat calls', formatCount(r.chatCalls)),
        fact('input tokens', formatCount(trace.inputTokens)),
        fact('output tokens', formatCount(trace.outputTokens)),
        fact('generation attempts', formatCount(r.attempts)),
        fact('retries (num_generate_logs − 1)', formatCount(r.retries), r.retries > 0),
        fact('requirement validations', formatCount(r.validations)),
        fact('failed requirement validations', formatCount(r.failedValidations), r.failedValidations > 0),
        fact('attempts rejected by a requirement', formatCount(r.rejectedAttempts), r.rejectedAttempts > 0),
        fact('validations that errored', formatCount(r.validationErrors), r.validationErrors > 0),
        fact('spans with ERROR', formatCount(trace.errorCount), trace.errorCount > 0),
      ),
      models,
    );
  }

  function showTrace(trace, spanId) {
    current = trace;
    $('list-view').hidden = true;
    $('trace-view').hidden = false;
    $('trace-title').textContent = trace.rootName;
    $('trace-meta').textContent =
      `${trace.service} · ${formatTime(trace.start)} · ${formatMs(trace.duration)} · ` +
      `${formatCount(trace.spanCount)} spans · trace ${trace.id}`;
    $('trace-rollup').replaceChildren(rollup(trace));
    const axis = $('axis');
    axis.replaceChildren(
      ...[0, 0.25, 0.5, 0.75, 1].map((f) =>
        el('span', { className: 'tick', style: { left: `${f * 100}%` } }, formatMs(trace.duration * f)),
      ),
    );
    renderWaterfall();
    const index = spanId === undefined ? 0 : trace.spans.findIndex((span) => span.id === spanId);
    select(Math.max(0, index), false);
  }

  function renderWaterfall() {
    const trace = current;
    const total = trace.duration > 0 ? trace.duration : 1;
    const matching = query === '' ? 0 : trace.spans.filter(spanMatches).length;
    $('match-count').textContent = query === '' ? '' : `${formatCount(matching)} spans match “${query}”`;
    waterfall = virtualList($('waterfall'), SPAN_ROW, trace.spans.length, (index) => {
      const span = trace.spans[index];
      const classes = ['span-row', `lane-${span.lane}`];
      if (span.status.code === 'ERROR') classes.push('error');
      if (span === selected) classes.push('selected');
      if (spanMatches(span)) classes.push('match');
      const left = (span.start / total) * 100;
      const width = (span.duration / total) * 100;
      return el(
        'div',
        {
          className: classes.join(' '),
          dataset: {
            index: String(index),
            spanId: span.id,
            parentId: span.parent ?? '',
            depth: String(span.depth),
            durationMs: String(span.duration),
          },
          onclick: () => select(index, true),
        },
        el(
          'div',
          { className: 'span-label', style: { paddingLeft: `${6 + Math.min(span.depth, 40) * 14}px` } },
          el('span', { className: 'span-name', title: span.name }, span.name),
          span.status.code === 'ERROR' ? el('span', { className: 'badge error' }, 'ERROR') : '',
          el('span', { className: 'span-scope' }, span.scope),
          el('span', { className: 'span-kind' }, span.kind),
          span.orphan ? el('span', { className: 'badge', title: 'its parent is not in the file' }, 'orphan') : '',
        ),
        el(
          'div',
          { className: 'span-timeline' },
          el('div', { className: 'bar', style: { left: `${left}%`, width: `max(${width}%, 1px)` } }),
          el(
            'span',
            { className: 'bar-label', style: { left: `calc(${left + width}% + 4px)` } },
            formatMs(span.duration),
          ),
        ),
      );
    });
  }

  function select(index, fromClick) {
    const span = current.spans[index];
    if (span === undefined) return;
    selected = span;
    for (const row of document.querySelectorAll('.span-row.selected')) row.classList.remove('selected');
    document.querySelector(`.span-row[data-index="${index}"]`)?.classList.add('selected');
    if (!fromClick) waterfall.scrollTo(index);
    history.replaceState(null, '', `#trace=${current.id}&span=${span.id}`);
    $('details').replaceChildren(details(span));
  }

  function attributeTable(title, entries) {
    if (entries.length === 0) return '';
    return el(
      'section',
      { className: 'group' },
      el('h3', {}, title),
      el(
        'table',
        { className: 'attributes' },
        el(
          'tbody',
          {},
          entries.map(([key, value]) =>
            el('tr', { dataset: { key } }, el('th', {}, key), el('td', {}, el('pre', {}, formatValue(value)))),
          ),
        ),
      ),
    );
  }

  function details(span) {
    const attrs = span.attributes;
    const groups = {
      genai: attrs.filter(([key]) => key.startsWith('gen_ai.')),
      mellea: attrs.filter(([key]) => key.startsWith('mellea.')),
      other: attrs.filter(([key]) => !key.startsWith('gen_ai.') && !key.startsWith('mellea.') && key !== 'response'),
    };
    const response = attrs.find(([key]) => key === 'response');
    const parent = span.parent === undefined ? undefined : current.spans.find((s) => s.id === span.parent);
    const row = (label, ...value) => el('tr', {}, el('th', {}, label), el('td', {}, ...value));
    return el(
      'div',
      {},
      el(
        'h2',
        {},
        span.name,
        ' ',
        el('span', { className: `badge status-${span.status.code.toLowerCase()}` }, span.status.code),
      ),
      el(
        'table',
        { className: 'summary' },
        el(
          'tbody',
          {},
          row('duration', formatMs(span.duration)),
          row('start', `+${formatMs(span.start)}  (${formatTime(current.start + span.start)})`),
          row('status', span.status.code, span.status.message ? `: ${span.status.message}` : ''),
          row('kind', span.kind),
          row('scope', span.scope, span.scopeVersion ? ` ${span.scopeVersion}` : ''),
          row('span id', span.id),
          row(
            'parent',
            parent ? `${parent.name} (${parent.id})` : span.parent ? `${span.parent} (not in the file)` : '— (root)',
          ),
        ),
      ),
      response
        ? el(
            'section',
            { className: 'group' },
            el('h3', {}, 'response'),
            el('pre', { className: 'response' }, formatValue(response[1])),
          )
        : '',
      attributeTable('gen_ai.*', groups.genai),
      attributeTable('mellea.*', groups.mellea),
      attributeTable('other attributes', groups.other),
      span.events.length === 0
        ? ''
        : el(
            'section',
            { className: 'group' },
            el('h3', {}, `events (${span.events.length})`),
            span.events.map((event) => {
              const get = (key) => event.attributes.find(([k]) => k === key)?.[1];
              const isException = event.name === 'exception';
              return el(
                'div',
                { className: `event${isException ? ' exception' : ''}` },
                el(
                  'div',
                  { className: 'event-head' },
                  el('strong', {}, event.name),
                  ` +${formatMs(event.time)}`,
                  isException
                    ? ` — ${formatValue(get('exception.type') ?? '')}: ${formatValue(get('exception.message') ?? '')}`
                    : '',
                ),
                isException && get('exception.stacktrace') !== undefined
                  ? el(
                      'details',
                      {},
                      el('summary', {}, 'stack trace'),
                      el('pre', {}, formatValue(get('exception.stacktrace'))),
                    )
                  : '',
                attributeTable(
                  'attributes',
                  event.attributes.filter(([key]) => !isException || !key.startsWith('exception.')),
                ),
              );
            }),
          ),
      attributeTable('resource', data.resources[span.resource] ?? []),
    );
  }

  // ----- navigation --------------------------------------------------------------------------------------------
  function route() {
    const params = new URLSearchParams(location.hash.slice(1));
    const trace = tracesById.get(params.get('trace') ?? '');
    if (trace === undefined) {
      current = undefined;
      $('trace-view').hidden = true;
      $('list-view').hidden = false;
      if (params.get('trace')) $('list-count').textContent = `No trace ${params.get('trace')} in these files.`;
      return;
    }
    const spanId = params.get('span') ?? undefined;
    if (trace !== current) showTrace(trace, spanId);
    else if (spanId !== undefined && spanId !== selected?.id) {
      const index = trace.spans.findIndex((span) => span.id === spanId);
      if (index >= 0) select(index, false);
    }
  }

  let filterTimer;
  $('filter').addEventListener('input', (event) => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => {
      query = event.target.value.trim().toLowerCase();
      renderList();
      if (current !== undefined) renderWaterfall();
    }, 120);
  });
  $('back').addEventListener('click', (event) => {
    event.preventDefault();
    history.pushState(null, '', location.pathname + location.search);
    route();
  });
  window.addEventListener('hashchange', route);
  document.addEventListener('keydown', (event) => {
    if (current === undefined || event.target === $('filter')) return;
    const index = current.spans.indexOf(selected);
    if (event.key === 'ArrowDown') select(Math.min(current.spans.length - 1, index + 1), false);
    else if (event.key === 'ArrowUp') select(Math.max(0, index - 1), false);
    else return;
    event.preventDefault();
  });

  renderList();
  route();
  document.body.dataset.ready = 'true';
})();
