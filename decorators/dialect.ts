/**
 * One decorator function for both TypeScript dialects, told apart at run time by the arguments:
 * TC39 standard decorators are called `(value, context)` with `context.kind`; legacy
 * (`experimentalDecorators`) ones `(target, propertyKey, descriptor)`.
 */

/** What the adapters get: the method, its name, and (legacy only) the prototype it is defined on. */
export interface DecoratedMethod {
  readonly original: Function;
  readonly name: string;
  /** The prototype (or constructor, for static methods) in the legacy dialect; undefined in TC39. */
  readonly target: object | undefined;
  readonly key: string | symbol;
}

/** A method decorator usable with either dialect. */
export interface MethodDecorator {
  <F extends Function>(value: F, context: ClassMethodDecoratorContext): F;
  (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
}

/** Builds a dual-dialect method decorator from a function that wraps the method. */
export function methodDecorator(decoratorName: string, wrap: (method: DecoratedMethod) => Function): MethodDecorator {
  return function decorate(
    targetOrValue: unknown,
    keyOrContext: string | symbol | ClassMethodDecoratorContext,
    descriptor?: PropertyDescriptor,
  ): unknown {
    if (isStandardContext(keyOrContext)) {
      if (keyOrContext.kind !== 'method' || typeof targetOrValue !== 'function') {
        throw new TypeError(`@${decoratorName} can only decorate methods, not a ${String(keyOrContext.kind)}`);
      }
      const key = keyOrContext.name;
      return wrap({ original: targetOrValue, name: keyName(key), target: undefined, key });
    }
    if (descriptor === undefined || typeof descriptor.value !== 'function') {
      throw new TypeError(`@${decoratorName} can only decorate methods (${String(keyOrContext)} is not one)`);
    }
    const key = keyOrContext;
    descriptor.value = wrap({ original: descriptor.value, name: keyName(key), target: targetOrValue as object, key });
    return descriptor;
  } as MethodDecorator;
}

function isStandardContext(value: unknown): value is ClassMethodDecoratorContext {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

function keyName(key: string | symbol): string {
  return typeof key === 'symbol' ? (key.description ?? 'symbol') : key;
}
