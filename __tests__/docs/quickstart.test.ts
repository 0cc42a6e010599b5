// Runs the README quick start as a user would (tsx, environment switches, console exporter) and checks that the
// printed spans are nested session_context → aact → chat.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '..', '..');

interface PrintedSpan {
  name: string;
  id: string;
  parent: string | undefined;
}

/** Reads the console exporter's output (util.inspect of each span) into name/id/parent triples. */
function parseConsoleSpans(output: string): PrintedSpan[] {
  const spans: PrintedSpan[] = [];
  for (const block of output.split(/\n(?=\{\n)/)) {
    const name = /\n {2}name: '([^']+)'/.exec(block)?.[1];
    const id = /\n {2}id: '([0-9a-f]+)'/.exec(block)?.[1];
    if (name === undefined || id === undefined) continue;
    spans.push({ name, id, parent: /parentSpanContext: \{[^}]*?spanId: '([0-9a-f]+)'/.exec(block)?.[1] });
  }
  return spans;
}

it('the quick start prints its answer and nested spans with MELLEA_TRACE_CONSOLE', async () => {
  const { stdout } = await promisify(execFile)(
    join(root, 'node_modules', '.bin', 'tsx'),
    ['docs/examples/quickstart.ts'],
    {
      cwd: root,
      env: {
        ...process.env,
        MELLEA_TRACE_APPLICATION: 'true',
        MELLEA_TRACE_BACKEND: 'true',
        MELLEA_TRACE_CONSOLE: 'true',
      },
    },
  );
  expect(stdout).toContain('Hello, world!');
  const spans = parseConsoleSpans(stdout);
  const byName = Object.fromEntries(spans.map((span) => [span.name, span]));
  expect(Object.keys(byName).sort()).toEqual(['aact', 'chat', 'session_context']);
  expect(byName['session_context']!.parent).toBeUndefined();
  expect(byName['aact']!.parent).toBe(byName['session_context']!.id);
  expect(byName['chat']!.parent).toBe(byName['aact']!.id);
  expect(stdout).toContain("'gen_ai.usage.total_tokens': 192");
}, 30_000);
