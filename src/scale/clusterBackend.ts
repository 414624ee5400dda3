import cluster from 'node:cluster';
import type { Logger } from '../logger.js';
import { decodeMessage, DEFAULT_MAX_MESSAGE_BYTES, encodeMessage, LIST_TIMEOUT_MS, reviveSession, type ClusterSessionInfo, type ScaleBackend, type ScaleMessage, SCALE_LOG_INTERVAL_MS } from './bus.js';
import { RateLimitedLog } from '../actors/rateLimitedLog.js';

// A worker's side of the node:cluster transport: everything goes to the primary over the IPC channel
// the cluster module made; the primary relays messages and keeps the directory (clusterPrimary.ts).

/** IPC between a worker and the primary; `scale` marks ours among any other messages. */
export type WorkerToPrimary =
  | { scale: 'publish'; to: string; payload: string }
  | { scale: 'update'; changed: ClusterSessionInfo[]; removed: string[] }
  | { scale: 'list'; request: number };

export type PrimaryToWorker =
  | { scale: 'message'; from: string; payload: string }
  | { scale: 'listed'; request: number; sessions: unknown[] }
  | { scale: 'shutdown'; message: string };

/** A worker's process id on the bus: `w` and its cluster worker id (never reused by a restart). */
export function clusterProcessId(workerId: number): string {
  return `w${workerId}`;
}

export class ClusterWorkerBackend implements ScaleBackend {
  readonly processId: string;
  readonly maxMessageBytes: number;
  readonly #log: RateLimitedLog;
  #handler: ((message: ScaleMessage, from: string) => void) | null = null;
  readonly #pending = new Map<number, (sessions: ClusterSessionInfo[]) => void>();
  #nextRequest = 1;
  readonly #onIpc = (raw: unknown) => this.#receive(raw);

  constructor(logger: Logger, maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES) {
    const worker = cluster.worker;
    if (!worker || !process.send) throw new Error('ClusterWorkerBackend runs in a node:cluster worker');
    this.processId = clusterProcessId(worker.id);
    this.maxMessageBytes = maxMessageBytes;
    this.#log = new RateLimitedLog((line) => logger.warn(line), SCALE_LOG_INTERVAL_MS);
    process.on('message', this.#onIpc);
  }

  #send(message: WorkerToPrimary): void {
    if (!process.connected) {
      this.#log.note('ipc', 'cluster: the primary is gone; cross-process message dropped');
      return;
    }
    process.send!(message, undefined, undefined, (err: Error | null) => {
      if (err) this.#log.note('ipc', `cluster: message to the primary failed (${err.message})`);
    });
  }

  #receive(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null || !('scale' in raw)) return;
    const message = raw as PrimaryToWorker;
    if (message.scale === 'message') {
      let decoded: ScaleMessage | null = null;
      try {
        decoded = decodeMessage(JSON.parse(message.payload));
      } catch {
        decoded = null;
      }
      if (decoded) this.#handler?.(decoded, message.from);
    } else if (message.scale === 'listed') {
      const resolve = this.#pending.get(message.request);
      this.#pending.delete(message.request);
      resolve?.(message.sessions.map(reviveSession).filter((s): s is ClusterSessionInfo => s !== null));
    }
  }

  publish(to: string, message: ScaleMessage): void {
    this.#send({ scale: 'publish', to, payload: encodeMessage(message, this.maxMessageBytes) });
  }

  onMessage(handler: (message: ScaleMessage, from: string) => void): void {
    this.#handler = handler;
  }

  onReset(): void {
    // The primary's directory lives as long as the cluster: nothing to write again.
  }

  async update(changed: readonly ClusterSessionInfo[], removed: readonly string[]): Promise<void> {
    if (changed.length > 0 || removed.length > 0) this.#send({ scale: 'update', changed: [...changed], removed: [...removed] });
  }

  list(): Promise<ClusterSessionInfo[]> {
    const request = this.#nextRequest++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(request);
        reject(new Error('cluster: the primary did not answer the session list in time'));
      }, LIST_TIMEOUT_MS);
      this.#pending.set(request, (sessions) => {
        clearTimeout(timer);
        resolve(sessions);
      });
      this.#send({ scale: 'list', request });
    });
  }

  async close(): Promise<void> {
    process.off('message', this.#onIpc);
    for (const resolve of this.#pending.values()) resolve([]);
    this.#pending.clear();
  }
}
