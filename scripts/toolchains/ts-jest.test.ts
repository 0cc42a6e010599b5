// Run by scripts/check-toolchains.mjs with ts-jest on TypeScript 5.9 (legacy decorators, type-checked), against
// the packed package: what a consumer's own unit test of an instrumented class looks like.
import 'reflect-metadata';
import { createTestTracing, spanShape } from 'mellea-telemetry/testing';
import { EchoBackend, EchoSession } from './echo-session';

const tracing = createTestTracing();
afterAll(() => tracing.shutdown());

it('traces a decorated session with the testing entry', async () => {
  expect(await new EchoSession().act('hi')).toBe('echo: hi');
  expect(spanShape(tracing.tree())).toEqual([['aact', [['chat']]]]);
  expect(tracing.span('chat').attributes['gen_ai.usage.total_tokens']).toBe(7);
  // Legacy decorators compiled by tsc emit design metadata: the decorator saw the parameter types.
  expect(Reflect.getMetadata('design:paramtypes', EchoBackend.prototype, 'generate')).toEqual([String]);
});
