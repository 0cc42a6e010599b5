/**
 * Runs a fixture script in a separate Node process (TypeScript through tsx's loader, or plain JavaScript), with a
 * clean environment: no MELLEA_* / OTEL_* inherited from the test runner. Everything is awaited on events
 * (a line of output, the exit), never on a fixed sleep.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const FIXTURES = join(__dirname, '..', 'fixtures');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Child {
  readonly process: ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when a line of stdout matches `pattern`. */
  waitForLine(pattern: RegExp): Promise<string>;
  /** Resolves when the process has exited (with its code or the signal that killed it). */
  exited: Promise<ChildResult>;
}

function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(MELLEA_|OTEL_)/.test(key)));
  // NODE_OPTIONS from the test runner (e.g. coverage hooks) must not leak into the child.
  delete base['NODE_OPTIONS'];
  return { ...base, ...env };
}

/** Starts `script` (a path; .ts files run through tsx) with `args` and `env`. */
export function startChild(
  script: string,
  options: { args?: string[]; env?: Record<string, string>; cwd?: string; nodeArgs?: string[] } = {},
): Child {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, script, ...(options.args ?? [])], {
    cwd: options.cwd ?? REPO_ROOT,
    env: cleanEnv(options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const lineWaiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const waiter of [...lineWaiters]) waiter();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<ChildResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const waiter of [...lineWaiters]) waiter();
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    process: child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForLine(pattern) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const line = stdout.split('\n').find((each) => pattern.test(each));
          if (line !== undefined) {
            lineWaiters.delete(check);
            resolve(line);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            lineWaiters.delete(check);
            reject(new Error(`process exited before printing ${pattern}; stdout: ${stdout}; stderr: ${stderr}`));
          }
        };
        lineWaiters.add(check);
        check();
      });
    },
  };
}

/** Runs a script to completion. */
export function runChild(script: string, options: Parameters<typeof startChild>[1] = {}): Promise<ChildResult> {
  return startChild(script, options).exited;
}

/** This package's process warnings in a child's stderr (`(node:PID) [code] MelleaTelemetryWarning: ...`). */
export function telemetryWarnings(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.includes('MelleaTelemetryWarning:'));
}

/** The JSON printed by a fixture on a line starting with `label ` (e.g. `results [...]`). */
export function printed<T = unknown>(stdout: string, label: string): T {
  const line = stdout.split('\n').find((each) => each.startsWith(`${label} `));
  if (line === undefined) throw new Error(`no "${label}" line in: ${stdout}`);
  return JSON.parse(line.slice(label.length + 1)) as T;
}
