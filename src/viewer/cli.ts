/**
 * `mellea-telemetry view FILE... [--out traces.html] [--open]`: writes the viewer page for trace files in the
 * OTLP File Exporter format (`MELLEA_TRACE_FILE`, or the OpenTelemetry Collector's `fileexporter`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildViewerPage } from './build-page';
import { readTraceFiles } from './read-traces';

export const USAGE = `Usage: mellea-telemetry view FILE... [--out FILE] [--open]

Writes one self-contained HTML page (no network, no server) showing the traces in FILE(s): JSON Lines of
OTLP/JSON TracesData, as written by MELLEA_TRACE_FILE or the OpenTelemetry Collector's fileexporter.

  --out FILE   where to write the page (default: traces.html)
  --open       open the page in the default browser afterwards ($BROWSER, else open/xdg-open/start)
  -h, --help   show this help
`;

/** Where the command writes its messages (the process's streams by default; tests pass their own). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

interface ViewArgs {
  files: string[];
  out: string;
  open: boolean;
}

function parseViewArgs(args: readonly string[]): ViewArgs | string {
  const files: string[] = [];
  let out = 'traces.html';
  let open = false;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === '--open') open = true;
    else if (arg === '--out' || arg === '-o') {
      const value = args[index + 1];
      if (value === undefined || value === '') return `${arg} needs a file name`;
      out = value;
      index += 1;
    } else if (arg.startsWith('--out=')) out = arg.slice('--out='.length);
    else if (arg.startsWith('-') && arg !== '-') return `unknown option ${arg}`;
    else files.push(arg);
  }
  if (files.length === 0) return 'no trace file given';
  return { files, out, open };
}

/** Opens `file` with $BROWSER or the platform's opener; a failure is reported, never thrown. */
function openInBrowser(file: string, io: CliIo): void {
  const browser = process.env['BROWSER']?.trim();
  const [command, args] = browser
    ? [browser, [file]]
    : process.platform === 'darwin'
      ? ['open', [file]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', file]]
        : ['xdg-open', [file]];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', (error) => io.err(`could not open the page with ${command}: ${error.message}\n`));
    child.unref();
  } catch (error) {
    io.err(`could not open the page with ${command}: ${(error as Error).message}\n`);
  }
}

/** Runs the command line; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    (command === undefined ? io.err : io.out)(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'view') {
    io.err(`mellea-telemetry: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    io.out(USAGE);
    return 0;
  }
  const args = parseViewArgs(rest);
  if (typeof args === 'string') {
    io.err(`mellea-telemetry view: ${args}\n\n${USAGE}`);
    return 2;
  }
  const missing = args.files.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    io.err(`mellea-telemetry view: no such file: ${missing.join(', ')}\n`);
    return 1;
  }
  try {
    const data = await readTraceFiles(args.files);
    for (const source of data.sources) {
      if (source.skipped > 0) {
        io.err(
          `warning: ${source.file}: skipped ${source.skipped} line(s) that are not JSON (first: line ${source.firstBadLine})\n`,
        );
      }
      if (source.spans === 0) io.err(`warning: ${source.file}: no spans found (is it an OTLP/JSON trace file?)\n`);
    }
    const out = resolve(args.out);
    await writeFile(out, buildViewerPage(data), 'utf8');
    io.out(`Wrote ${out}: ${data.traces.length} trace(s), ${data.spanCount} span(s)\n`);
    if (args.open) openInBrowser(out, io);
    return 0;
  } catch (error) {
    io.err(`mellea-telemetry view: ${(error as Error).message}\n`);
    return 1;
  }
}
