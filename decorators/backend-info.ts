import { type BackendInfo, defineBackendInfo } from '../src/metadata';

/**
 * Class decorator declaring a backend's `gen_ai.system`, model and extra attributes through reflect-metadata,
 * for classes whose name or properties do not say them. Works in both decorator dialects; subclasses inherit it.
 *
 * @example
 * @backendInfo({ system: 'acme-llm', model: 'acme-large' })
 * class AcmeBackend { ... }
 */
export function backendInfo(info: BackendInfo): <C extends Function>(constructor: C, context?: unknown) => C {
  return (constructor) => {
    defineBackendInfo(constructor, info);
    return constructor;
  };
}
