import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../logger.js';
import { clusterProcessId, type PrimaryToWorker, type WorkerToPrimary } from './clusterBackend.js';
import type { ClusterSessionInfo } from './bus.js';
import { RateLimitedLog } from '../actors/rateLimitedLog.js';
import { SCALE_LOG_INTERVAL_MS } from './bus.js';
import { DEFAULT_MAX_PENDING_BYTES, PendingBytes } from './pendingBytes.js';

export interface ClusterPrimaryOptions {
  workers: number;
  logger: Logger;
  /** Env for the workers (e.g. what they listen on); they run the same script as the primary. */
  env?: Record<string, string>;
  /** Time the workers get to close their sessions on SIGTERM/SIGINT before they are killed (default 10 s). */
  shutdownTimeoutMs?: number;
  /** Message every session is shown when the cluster shuts down. */
  shutdownMessage?: string;
  /**
   * A worker not heard from this long (its heartbeat is a second) is left out of the directory and
   * sent nothing, until it is heard again: a stopped (SIGSTOP) or hung worker (ms; default 5000).
   */
  staleMs?: number;
  /** Relayed message bytes a worker has not read yet past which more are dropped, not queued (default 8 MiB). */
  maxPendingBytes?: number;
}

/** A worker that dies this soon after starting, this many times in a row, is not started again. */
const CRASH_LOOP_MS = 2000;
const CRASH_LOOP_LIMIT = 5;

/**
 * The primary of a node:cluster deployment: starts N workers sharing the listening ports, relays
 * their messages, keeps every worker's sessions (dropped when a worker dies), starts a new worker
 * for one that died, and on SIGTERM/SIGINT has every worker close its sessions gracefully.
 */
export function runClusterPrimary(options: ClusterPrimaryOptions): { stopped: Promise<void> } {
  const { logger } = options;
  const log = new RateLimitedLog((line) => logger.warn(line), SCALE_LOG_INTERVAL_MS);
  const directory = new Map<string, Map<string, ClusterSessionInfo>>();
  const started = new Map<Worker, number>();
  /** When each worker (by process id) was last heard from. */
  const heard = new Map<string, number>();
  const staleMs = options.staleMs ?? 5000;
  const live = (id: string) => Date.now() - (heard.get(id) ?? 0) <= staleMs;
  /** What each worker has still to read of the messages relayed to it. */
  const unread = new Map<Worker, PendingBytes>();
  let quickDeaths = 0;
  let stopping = false;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));

  const send = (worker: Worker, message: PrimaryToWorker) => {
    if (!worker.isConnected()) return;
    worker.send(message, undefined, (err: Error | null) => {
      if (err) log.note('relay', `cluster: message to worker ${worker.id} failed (${err.message})`);
    });
  };

  /** Relays a message to a worker unless it is silent or behind by more than the cap (then dropped and logged). */
  const relay = (worker: Worker, from: string, payload: string) => {
    const id = clusterProcessId(worker.id);
    if (!live(id)) {
      log.note('stale', `cluster: worker ${id} silent for over ${staleMs} ms; messages to it dropped`);
      return;
    }
    const behind = unread.get(worker);
    if (!worker.isConnected() || !behind) return;
    const bytes = payload.length;
    if (!behind.take(bytes)) {
      log.note('behind', `cluster: worker ${id} is ${behind.pending} bytes behind; messages to it dropped`);
      return;
    }
    worker.send({ scale: 'message', from, payload } satisfies PrimaryToWorker, undefined, (err: Error | null) => {
      behind.release(bytes);
      if (err) log.note('relay', `cluster: message to worker ${worker.id} failed (${err.message})`);
    });
  };

  const fork = () => {
    const worker = cluster.fork(options.env);
    unread.set(worker, new PendingBytes(options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES));
    started.set(worker, Date.now());
    const id = clusterProcessId(worker.id);
    heard.set(id, Date.now());
    worker.on('message', (raw: unknown) => {
      if (typeof raw !== 'object' || raw === null || !('scale' in raw)) return;
      const message = raw as WorkerToPrimary;
      heard.set(id, Date.now());
      switch (message.scale) {
        case 'publish':
          for (const other of Object.values(cluster.workers ?? {})) {
            if (!other || other === worker) continue;
            if (message.to === '*' || message.to === clusterProcessId(other.id)) relay(other, id, String(message.payload));
          }
          return;
        case 'update': {
          let mine = directory.get(id);
          if (!mine) directory.set(id, (mine = new Map()));
          for (const session of message.changed) if (typeof session?.id === 'string' && session.id.startsWith(`${id}.`)) mine.set(session.id, session);
          for (const sessionId of message.removed) mine.delete(sessionId);
          return;
        }
        case 'list': {
          const sessions = [...directory].flatMap(([process, mine]) => (live(process) ? [...mine.values()] : []));
          send(worker, { scale: 'listed', request: message.request, sessions });
          return;
        }
        case 'shutdownAll':
          shutDown(`close everywhere from ${id}`, typeof message.message === 'string' ? message.message : undefined);
          return;
      }
    });
  };

  cluster.on('exit', (worker, code, signal) => {
    const id = clusterProcessId(worker.id);
    const sessions = directory.get(id)?.size ?? 0;
    directory.delete(id); // its sessions leave the directory with it
    heard.delete(id);
    const lived = Date.now() - (started.get(worker) ?? 0);
    started.delete(worker);
    unread.delete(worker);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) resolveStopped();
      return;
    }
    logger.warn(`cluster: worker ${id} (pid ${worker.process.pid}) died (${signal ?? `code ${code}`}) with ${sessions} session(s); starting another`);
    quickDeaths = lived < CRASH_LOOP_MS ? quickDeaths + 1 : 0;
    if (quickDeaths >= CRASH_LOOP_LIMIT) {
      logger.error(`cluster: workers die at start (${quickDeaths} in a row); not starting more`);
      return;
    }
    fork();
  });

  const shutDown = (why: string, message = options.shutdownMessage ?? 'The server is shutting down.') => {
    if (stopping) return;
    stopping = true;
    logger.info(`cluster: ${why}: closing every worker's sessions`);
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    if (workers.length === 0) resolveStopped();
    for (const worker of workers) send(worker, { scale: 'shutdown', message });
    setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGKILL');
      resolveStopped();
    }, options.shutdownTimeoutMs ?? 10_000).unref();
  };
  process.on('SIGTERM', () => shutDown('SIGTERM'));
  process.on('SIGINT', () => shutDown('SIGINT'));

  for (let i = 0; i < options.workers; i++) fork();
  return { stopped };
}
