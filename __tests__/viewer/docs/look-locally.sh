export MELLEA_TRACE_APPLICATION=true
export MELLEA_TRACE_BACKEND=true
export MELLEA_TRACE_FILE=traces.jsonl        # appended to, one OTLP/JSON TracesData per line
npx tsx docs/examples/telemetry/telemetry_example.ts

npx mellea-telemetry view traces.jsonl       # writes traces.html: open it in any browser
