/** Any function a worker can run: its arguments and result cross threads by structured clone. */
type WorkerFunction = (...args: never[]) => unknown;

/** The names of a module's exports that are functions. */
export type WorkerFunctionName<M> = { [K in keyof M]: M[K] extends WorkerFunction ? K : never }[keyof M] & string;

/** The arguments of export `K` of module `M`. */
export type WorkerArgs<M, K extends keyof M> = M[K] extends (...args: infer A) => unknown ? A : never;

/** What export `K` of module `M` resolves to. */
export type WorkerResult<M, K extends keyof M> = M[K] extends (...args: never[]) => infer R ? Awaited<R> : never;

/**
 * A module of functions to run in worker threads (see `TelnetHandler.runInWorker`). `filename` is the
 * file a worker imports, or null where there is none to import (then the functions run inline).
 */
export interface WorkerModule<M> {
  readonly filename: string | null;
  /** The same module imported in this thread: gives the types, and runs them inline as the fallback. */
  readonly load: () => Promise<M>;
}

/**
 * Names a module of worker functions beside the calling module:
 * `workerModule(import.meta.url, './crunchTask', () => import('./crunchTask.js'))`.
 *
 * `path` has no extension: it takes the caller's own, so the same line finds `crunchTask.ts` under
 * tsx, `crunchTask.js` compiled by tsc and `crunchTask.mjs` beside an esbuild bundle (which must
 * bundle that module as an entry of its own). `load` imports the same module here: its type is where
 * the functions' argument and result types come from, and it runs them inline where no worker
 * thread can start (a CommonJS bundle, as in a single executable, has no `import.meta.url`).
 */
export function workerModule<M>(base: string | undefined, path: string, load: () => Promise<M>): WorkerModule<M> {
  if (typeof base !== 'string' || !base.startsWith('file:')) return { filename: null, load };
  const extension = /\.[cm]?[jt]s$/.exec(new URL(base).pathname)?.[0] ?? '.js';
  return { filename: new URL(`${path}${extension}`, base).href, load };
}
