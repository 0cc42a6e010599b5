/**
 * Synthetic trace files in the OTLP File Exporter format, shaped like Mellea sessions (session_context → aact →
 * chat + requirement_validation, tokens, responses of a few hundred characters): for measuring the viewer with
 * 10,000 spans without running 10,000 model calls.
 */

const hex = (n: number, digits: number): string => n.toString(16).padStart(digits, '0').slice(-digits);
const text = (key: string, value: string) => ({ key, value: { stringValue: value } });
const int = (key: string, value: number) => ({ key, value: { intValue: String(value) } });

/**
 * JSON Lines for `traces` traces of `spansPerTrace` spans each (one line per 512 spans, as the trace file batches),
 * numbered from `firstTrace` (ids and start times follow the number, so files made with different numbers mix).
 * Times are deterministic: trace `t` starts at t seconds past a fixed epoch; spans are 1 ms apart.
 */
export function syntheticTraceLines(traces: number, spansPerTrace: number, firstTrace = 0): string[] {
  const base = 1_764_650_000_000n * 1_000_000n;
  const spans: object[] = [];
  for (let t = firstTrace; t < firstTrace + traces; t += 1) {
    const traceId = hex(t + 1, 16).padStart(32, 'ab');
    const start = base + BigInt(t) * 1_000_000_000n;
    const ms = (n: number) => String(start + BigInt(Math.round(n * 1000)) * 1_000n);
    const rootId = hex(t * 1_000_000 + 1, 16);
    spans.push({
      traceId,
      spanId: rootId,
      name: 'session_context',
      kind: 1,
      startTimeUnixNano: ms(0),
      endTimeUnixNano: ms(spansPerTrace + 1),
      scope: 'mellea.application',
      attributes: [text('mellea.backend', 'OllamaModelBackend')],
    });
    let aactId = rootId;
    for (let i = 1; i < spansPerTrace; i += 1) {
      const spanId = hex(t * 1_000_000 + i + 1, 16);
      const isAact = i % 3 === 1;
      if (isAact) aactId = spanId;
      const isChat = i % 3 === 2;
      spans.push({
        traceId,
        spanId,
        parentSpanId: isAact ? rootId : aactId,
        name: isAact ? 'aact' : isChat ? 'chat' : 'requirement_validation',
        kind: isChat ? 3 : 1,
        startTimeUnixNano: ms(i),
        endTimeUnixNano: ms(i + (isAact ? 2.5 : 0.8)),
        scope: isChat ? 'mellea.backend' : 'mellea.application',
        attributes: isChat
          ? [
              text('gen_ai.system', 'ollama'),
              text('gen_ai.operation.name', 'chat'),
              text('gen_ai.request.model', 'granite4.1:3b'),
              int('gen_ai.usage.input_tokens', 100 + (i % 50)),
              int('gen_ai.usage.output_tokens', 20 + (i % 30)),
            ]
          : isAact
            ? [
                text('mellea.action_type', 'Instruction'),
                int('num_generate_logs', 1 + (i % 2)),
                text('response', `Answer number ${i}: ${'lorem ipsum dolor sit amet '.repeat(10)}`),
              ]
            : [text('mellea.action_type', 'Requirement')],
        ...(i % 997 === 0 ? { status: { code: 2, message: 'synthetic failure' } } : {}),
      });
    }
  }
  const lines: string[] = [];
  for (let offset = 0; offset < spans.length; offset += 512) {
    const batch = spans.slice(offset, offset + 512) as { scope: string }[];
    const byScope = new Map<string, object[]>();
    for (const { scope, ...span } of batch) {
      if (!byScope.has(scope)) byScope.set(scope, []);
      byScope.get(scope)!.push(span);
    }
    lines.push(
      JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [text('service.name', 'synthetic')] },
            scopeSpans: [...byScope].map(([name, scopeSpans]) => ({ scope: { name }, spans: scopeSpans })),
          },
        ],
      }),
    );
  }
  return lines;
}
