/**
 * The worker build's SDK modules (swapped in for sdk-modules.ts by tsup.config.ts): a Worker has no `require`
 * and is always bundled, so the SDK is imported statically (the bundler drops what is unused). The context
 * manager is built on `node:async_hooks` (Cloudflare's `nodejs_compat`) as an ES import: the
 * `@opentelemetry/context-async-hooks` package is CommonJS and `require`s `async_hooks`, which an ES-module
 * Worker cannot. OTLP export needs Node's networking (gRPC, http): in a Worker, export through your own provider.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type Context, type ContextManager, ROOT_CONTEXT } from '@opentelemetry/api';
import * as resources from '@opentelemetry/resources';
import * as traceBase from '@opentelemetry/sdk-trace-base';
import { type ContextManagerModule, type SdkModule, unavailable } from './sdk-module';
import { WorkerConsoleSpanExporter } from './worker-console-exporter';

export type { SdkModule } from './sdk-module';

const workerTraceBase = { ...traceBase, ConsoleSpanExporter: WorkerConsoleSpanExporter } as typeof traceBase;

/** The SDK, with a console exporter that a Worker's log stream carries (see worker-console-exporter.ts). */
export const TRACE_BASE: SdkModule<typeof traceBase> = {
  name: '@opentelemetry/sdk-trace-base',
  load: () => workerTraceBase,
};

export const RESOURCES: SdkModule<typeof resources> = { name: '@opentelemetry/resources', load: () => resources };

/** The active context in an `AsyncLocalStorage`, as `@opentelemetry/context-async-hooks` keeps it. */
class AsyncLocalStorageContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(context, () => fn.apply(thisArg, args));
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const manager = this;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(context, () => target.apply(this, args));
    } as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    return this;
  }
}

export const CONTEXT_ASYNC_HOOKS: SdkModule<ContextManagerModule> = {
  name: '@opentelemetry/context-async-hooks',
  load: () => ({ AsyncLocalStorageContextManager }),
};

const noOtlp = (name: string): SdkModule<never> => ({
  name,
  load: () => {
    throw unavailable(name, 'in the worker build (OTLP export needs Node networking)');
  },
});

export const OTLP_GRPC: SdkModule<typeof import('@opentelemetry/exporter-trace-otlp-grpc')> = noOtlp(
  '@opentelemetry/exporter-trace-otlp-grpc',
);

export const OTLP_PROTO: SdkModule<typeof import('@opentelemetry/exporter-trace-otlp-proto')> = noOtlp(
  '@opentelemetry/exporter-trace-otlp-proto',
);
