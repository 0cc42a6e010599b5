import 'reflect-metadata';
import { warnOnce } from './warnings';

/** reflect-metadata key under which a class declares its backend facts (see {@link backendInfo}). */
export const BACKEND_INFO_KEY = Symbol.for('mellea-telemetry:backend-info');

/** What a backend class can declare about itself; read by `@traceBackend` spans of its methods. */
export interface BackendInfo {
  /** `gen_ai.system`, when the class name does not say it (e.g. `'acme-llm'`). */
  readonly system?: string;
  /** `gen_ai.request.model`, when the instance has no `modelId`/`model` property. */
  readonly model?: string;
  /** Any further attributes for every backend span of this class. */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

const infoCache = new WeakMap<object, BackendInfo | null>();

/** The {@link BackendInfo} a class (or a base class) declared, cached per constructor. */
export function backendInfoOf(constructor: unknown): BackendInfo | undefined {
  if (typeof constructor !== 'function') return undefined;
  let info = infoCache.get(constructor);
  if (info === undefined) {
    try {
      info = (Reflect.getMetadata(BACKEND_INFO_KEY, constructor) as BackendInfo | undefined) ?? null;
    } catch {
      info = null;
    }
    infoCache.set(constructor, info);
  }
  return info ?? undefined;
}

/** Declares backend facts on a class through reflect-metadata (used by the `backendInfo` class decorator). */
export function defineBackendInfo(constructor: object, info: BackendInfo): void {
  Reflect.defineMetadata(BACKEND_INFO_KEY, Object.freeze({ ...info }), constructor);
  infoCache.delete(constructor);
}

const BUILTIN_TYPES = new Set<unknown>([
  Object,
  Promise,
  String,
  Number,
  Boolean,
  Array,
  Function,
  Symbol,
  BigInt,
  Map,
  Set,
  Date,
]);

/** The class a legacy-compiled method declares as its return type, when it is a user class (else undefined). */
export function declaredReturnClass(target: object, key: string | symbol): Function | undefined {
  try {
    const type = Reflect.getMetadata('design:returntype', target, key) as unknown;
    return typeof type === 'function' && !BUILTIN_TYPES.has(type) ? type : undefined;
  } catch {
    return undefined;
  }
}

/** Copies the original method's own reflect-metadata to its wrapper (frameworks such as NestJS read it). */
export function copyOwnMetadata(from: object, to: object): void {
  try {
    for (const key of Reflect.getOwnMetadataKeys(from)) {
      Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, from), to);
    }
  } catch (error) {
    warnOnce('metadata:copy', `could not copy reflect-metadata to a traced method: ${String(error)}`);
  }
}
