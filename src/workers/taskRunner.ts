/** What the main thread posts for one call: which export of which module, with what arguments. */
export interface WorkerCall {
  readonly url: string;
  readonly name: string;
  readonly args: readonly unknown[];
  /** Under tsx (a `.ts` module): tsx's ESM API to register first, since Node 20 workers do not inherit loader hooks. */
  readonly tsx: string | null;
  /** Niceness for the thread (Linux): CPU work yields to the event loop that serves every session. */
  readonly nice: number;
}

/**
 * The module every worker thread imports (as a `data:` URL, so no file of ours has to be found beside
 * a bundle): it imports the named module and calls the export with the arguments spread, which the
 * pool (one argument per task) cannot do by itself. Plain JavaScript, as it runs before any loader.
 */
export const TASK_RUNNER_URL = `data:text/javascript,${encodeURIComponent(`
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
let tsxRegistered = null;
let niceSet = false;
export default async function call({ url, name, args, tsx, nice }) {
  if (!niceSet) {
    niceSet = true;
    // Linux: /proc/thread-self names this thread's own id, and setpriority on it renices this thread only.
    try { if (nice !== 0) setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), nice); } catch {}
  }
  if (tsx !== null) await (tsxRegistered ??= import(tsx).then((api) => { api.register(); }));
  const module = await import(url);
  const task = module[name];
  if (typeof task !== 'function') throw new TypeError(\`\${url} has no function named \${name}\`);
  return await task(...args);
}
`)}`;
