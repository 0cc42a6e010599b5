#!/usr/bin/env node
/** The `mellea-telemetry` command (package.json `bin`). */
import { runCli } from './cli';

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
