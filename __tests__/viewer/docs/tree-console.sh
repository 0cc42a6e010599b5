export MELLEA_TRACE_APPLICATION=true
export MELLEA_TRACE_BACKEND=true
export MELLEA_TRACE_CONSOLE=tree
npx tsx docs/examples/telemetry/telemetry_example.ts
