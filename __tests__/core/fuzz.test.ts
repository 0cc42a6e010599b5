/**
 * Seeded fuzzing: hostile results, arguments, `this` fields and thrown values (revoked Proxies, throwing
 * getters and traps, errors whose `message`/`name`/`stack`/`constructor` throw, circular and odd objects) go
 * through decorated methods and through an undecorated twin (the oracle). Tracing must not change the outcome —
 * sync return / sync throw / resolve / reject, with the identical value or error object — and every call gives
 * exactly one span, ERROR exactly when the call failed, with only valid OpenTelemetry attribute values.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { traceApplication, traceBackend, traceMethods } from 'mellea-telemetry';
import { createTestTracing } from 'mellea-telemetry/testing';

const tracing = createTestTracing();
afterAll(() => tracing.shutdown());

const SEED = 0x9e3779b9;
const CASES = 2500;

/** mulberry32: small, seeded, good enough to pick cases. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Pick = <T>(items: readonly T[]) => T;

function revoked(target: object = {}): object {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
}

function throwingProxy(target: object = {}): object {
  const fail = (): never => {
    throw new Error('trap');
  };
  return new Proxy(target, {
    get: fail,
    has: fail,
    ownKeys: fail,
    getPrototypeOf: fail,
    getOwnPropertyDescriptor: fail,
    defineProperty: fail,
    isExtensible: fail,
  });
}

function throwingGetters(keys: readonly string[], base: object = {}): object {
  for (const key of keys) {
    Object.defineProperty(base, key, {
      get() {
        throw new RangeError(`getter ${key}`);
      },
      enumerable: true,
      configurable: true,
    });
  }
  return base;
}

const RESULT_KEYS = ['usage', 'model', 'id', 'choices', 'finishReason', 'value', 'success', 'then', 'constructor'];

/** A value of any kind, hostile or not. */
function hostile(pick: Pick, depth = 0): unknown {
  const kinds: (() => unknown)[] = [
    () => undefined,
    () => null,
    () => pick([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]),
    () => pick(['', 'text', 'x'.repeat(3000), '\uD800', 'emoji 😀']),
    () => pick([true, false]),
    () => 10n ** 30n,
    () => Symbol('s'),
    () => () => 'fn',
    () => revoked(),
    () => revoked([]),
    () => revoked(() => {}),
    () => throwingProxy(),
    () => throwingProxy([]),
    () => throwingGetters(pick([RESULT_KEYS, ['usage'], ['model', 'id'], ['constructor'], ['then']])),
    () => Object.create(null),
    () => Object.freeze({ usage: { inputTokens: 1, outputTokens: 2 }, model: 'm', id: 7 }),
    () => {
      const circular: Record<string, unknown> = { model: 'm' };
      circular.self = circular;
      return circular;
    },
    () => ({
      toJSON: () => {
        throw new Error('toJSON');
      },
      usage: { prompt_tokens: 'x' },
    }),
    () => ({ usage: revoked(), choices: revoked([]), model: revoked(), finishReasons: throwingProxy([]) }),
    () => ({ usageMetadata: { promptTokenCount: 1 }, candidates: [revoked(), { finishReason: 'STOP' }] }),
    () => [revoked(), { usage: { input_tokens: 1 } }, throwingProxy()],
    () => hostileError(pick),
    () => new Map([[1, 2]]),
    () => new Date(Number.NaN),
    () => (depth < 2 ? { nested: hostile(pick, depth + 1), usage: hostile(pick, depth + 1) } : {}),
  ];
  return pick(kinds)();
}

function hostileError(pick: Pick): unknown {
  const kinds: (() => unknown)[] = [
    () => new TypeError('plain'),
    () => throwingGetters(['stack', 'message', 'name', 'constructor'], new Error('getters')),
    () => throwingGetters(['message'], new RangeError('message getter')),
    () => revoked(new Error('revoked')),
    () => throwingProxy(new Error('trapped')),
    () => Object.assign(Object.create(null), { message: 'null proto' }),
    () => 'a string',
    () => undefined,
  ];
  return pick(kinds)();
}

type Outcome = { kind: 'return' | 'throw' | 'resolve' | 'reject'; value: unknown };

async function outcomeOf(run: () => unknown): Promise<Outcome> {
  let returned: unknown;
  try {
    returned = run();
  } catch (error) {
    return { kind: 'throw', value: error };
  }
  if (isPromise(returned)) {
    try {
      return { kind: 'resolve', value: await returned };
    } catch (error) {
      return { kind: 'reject', value: error };
    }
  }
  return { kind: 'return', value: returned };
}

function isPromise(value: unknown): value is Promise<unknown> {
  try {
    return value instanceof Promise;
  } catch {
    return false;
  }
}

/** Same outcome; the same object, except for errors the engine itself makes fresh on each run. */
function sameOutcome(traced: Outcome, plain: Outcome, generated: readonly unknown[]): boolean {
  if (traced.kind !== plain.kind) return false;
  if (Object.is(traced.value, plain.value)) return true;
  if (generated.some((value) => Object.is(value, plain.value))) return false;
  return summary(traced.value) === summary(plain.value);
}

function summary(value: unknown): string {
  try {
    return value instanceof Error ? `${value.name}: ${value.message}` : typeof value;
  } catch {
    return 'hostile';
  }
}

function isValidAttribute(value: unknown): boolean {
  const primitive = (item: unknown): boolean =>
    typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean';
  if (primitive(value)) return true;
  if (!Array.isArray(value)) return false;
  const kinds = new Set(value.filter((item) => item !== null && item !== undefined).map((item) => typeof item));
  return kinds.size <= 1 && value.every((item) => item === null || item === undefined || primitive(item));
}

type Behaviour = 'return' | 'throw' | 'resolve' | 'reject' | 'thenable';

function makeClass() {
  return class OpenAIBackend {
    modelId: unknown;
    model: unknown;
    backend: unknown;
    ctx: unknown;
    behaviour: Behaviour = 'return';
    value: unknown;

    run(..._args: unknown[]): unknown {
      switch (this.behaviour) {
        case 'return':
          return this.value;
        case 'throw':
          throw this.value;
        case 'resolve':
          return Promise.resolve().then(() => this.value);
        case 'reject':
          return Promise.resolve().then(() => {
            throw this.value;
          });
        case 'thenable': {
          const value = this.value;
          // biome-ignore lint/suspicious/noThenProperty: a custom thenable is one of the result shapes under test
          return { then: (resolve: (v: unknown) => void) => resolve(value) };
        }
      }
    }
  };
}

const Plain = makeClass();
const TracedBackend = traceMethods(makeClass(), { run: traceBackend() });
const TracedApplication = traceMethods(makeClass(), { run: traceApplication('aact') });

describe('fuzz: decorated methods behave exactly like their undecorated twin', () => {
  it(`${CASES} seeded cases over results, arguments, this fields and thrown values`, async () => {
    const next = random(SEED);
    const pick: Pick = (items) => items[Math.floor(next() * items.length)]!;
    const failures: string[] = [];
    for (let index = 0; index < CASES && failures.length < 5; index++) {
      const behaviour = pick<Behaviour>(['return', 'throw', 'resolve', 'reject', 'thenable']);
      const value = behaviour === 'throw' || behaviour === 'reject' ? hostileError(pick) : hostile(pick);
      const fields = { modelId: hostile(pick), model: hostile(pick), backend: hostile(pick), ctx: hostile(pick) };
      const args = Array.from({ length: Math.floor(next() * 4) }, () =>
        next() < 0.2 ? [hostile(pick), hostile(pick)] : hostile(pick),
      );
      const generated = [value, ...Object.values(fields), ...args];
      const Traced = index % 2 === 0 ? TracedBackend : TracedApplication;
      const setUp = <T extends InstanceType<typeof Plain>>(instance: T): T =>
        Object.assign(instance, fields, { behaviour, value });

      const plain = await outcomeOf(() => setUp(new Plain()).run(...args));
      tracing.reset();
      const traced = await outcomeOf(() => setUp(new Traced()).run(...args));
      if (behaviour === 'thenable') await new Promise((resolve) => setImmediate(resolve));

      const where = `case ${index} (${behaviour}, ${Traced === TracedBackend ? 'backend' : 'application'})`;
      if (!sameOutcome(traced, plain, generated))
        failures.push(`${where}: ${traced.kind} ${summary(traced.value)} vs ${plain.kind} ${summary(plain.value)}`);
      const spans = tracing.spans;
      if (spans.length !== 1) {
        failures.push(`${where}: ${spans.length} spans`);
        continue;
      }
      const failed = plain.kind === 'throw' || plain.kind === 'reject';
      if ((spans[0]!.status.code === SpanStatusCode.ERROR) !== failed)
        failures.push(`${where}: status ${spans[0]!.status.code}, call ${failed ? 'failed' : 'succeeded'}`);
      for (const [key, attribute] of Object.entries(spans[0]!.attributes)) {
        if (!isValidAttribute(attribute)) failures.push(`${where}: attribute ${key} is not a valid value`);
      }
    }
    expect(failures).toEqual([]);
  });
});
