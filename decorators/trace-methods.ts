import type { MethodDecorator } from './dialect';

/**
 * Applies method decorators to a class without decorator syntax — for JavaScript, or for code compiled without
 * a decorator dialect. Each entry is applied like a legacy decorator to the method on `Class.prototype`.
 *
 * @example
 * class Session { async act(action: unknown) { ... } }
 * traceMethods(Session, { act: traceApplication('aact') });
 */
export function traceMethods<C extends abstract new (...args: any) => any>(
  Class: C,
  decorators: Partial<Record<keyof InstanceType<C> & string, MethodDecorator>>,
): C {
  const prototype = Class.prototype as object;
  for (const [key, decorate] of Object.entries(decorators) as [string, MethodDecorator | undefined][]) {
    if (decorate === undefined) continue;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
    if (descriptor === undefined) throw new TypeError(`traceMethods: ${Class.name}.prototype has no method "${key}"`);
    Object.defineProperty(prototype, key, decorate(prototype, key, descriptor));
  }
  return Class;
}
