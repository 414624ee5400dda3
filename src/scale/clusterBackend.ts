import cluster from 'node:cluster';
import type { Logger } from '../logger.js';
import { decodeMessage, DEFAULT_MAX_MESSAGE_BYTES, encodedSize, encodeMessage, withinLimit, LIST_TIMEOUT_MS, reviveSession, type ClusterSessionInfo, type ScaleBackend, type ScaleMessage, SCALE_LOG_INTERVAL_MS } from './bus.js';
import { RateLimitedLog } from '../actors/rateLimitedLog.js';
import { DEFAULT_MAX_PENDING_BYTES, PendingBytes } from './pendingBytes.js';

// A worker's side of the node:cluster transport: everything goes to the primary over the IPC channel
// the cluster module made; the primary relays messages and keeps the directory (clusterPrimary.ts).

/** IPC between a worker and the primary; `scale` marks ours among any other messages. */
export type WorkerToPrimary =
  | { scale: 'publish'; to: string; payload: string }
  | { scale: 'update'; changed: ClusterSessionInfo[]; removed: string[] }
  | { scale: 'list'; request: number }
  /** Shut the whole cluster down as on SIGTERM (`close({ everywhere: true })` in a worker). */
  | { scale: 'shutdownAll'; message: string };

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
  /** Messages for the primary it has not read yet: past the cap, more are dropped rather than queued. */
  readonly #unread: PendingBytes;

  constructor(logger: Logger, maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES, maxPendingBytes = DEFAULT_MAX_PENDING_BYTES) {
    this.#unread = new PendingBytes(maxPendingBytes);
    const worker = cluster.worker;
    if (!worker || !process.send) throw new Error('ClusterWorkerBackend runs in a node:cluster worker');
    this.processId = clusterProcessId(worker.id);
    this.maxMessageBytes = maxMessageBytes;
    this.#log = new RateLimitedLog((line) => logger.warn(line), SCALE_LOG_INTERVAL_MS);
    process.on('message', this.#onIpc);
  }

  #send(message: WorkerToPrimary, bytes = 0): void {
    if (!process.connected) {
      this.#log.note('ipc', 'cluster: the primary is gone; cross-process message dropped');
      return;
    }
    if (!this.#unread.take(bytes)) {
      this.#log.note('behind', `cluster: the primary is ${this.#unread.pending} bytes behind; cross-process message dropped`);
      return;
    }
    process.send!(message, undefined, undefined, (err: Error | null) => {
      this.#unread.release(bytes);
      if (err) this.#log.note('ipc', `cluster: message to the primary failed (${err.message})`);
    });
  }

  #receive(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null || !('scale' in raw)) return;
    const message = raw as PrimaryToWorker;
    if (message.scale === 'message') {
      if (typeof message.payload !== 'string' || !withinLimit(message.payload, this.maxMessageBytes)) return;
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
    } else if (message.scale === 'shutdown') {
      // The primary's SIGTERM (or a worker's close everywhere): this worker closes like the others.
      this.#handler?.({ t: 'close', message: String(message.message) }, 'primary');
    }
  }

  sizeOf(message: ScaleMessage): number {
    return encodedSize(message);
  }

  publish(to: string, message: ScaleMessage): void {
    const payload = encodeMessage(message, this.maxMessageBytes);
    // Closing every worker is the primary's graceful shutdown, not a message it relays.
    if (message.t === 'close') this.#send({ scale: 'shutdownAll', message: message.message });
    else this.#send({ scale: 'publish', to, payload }, payload.length);
  }

  onMessage(handler: (message: ScaleMessage, from: string) => void): void {
    this.#handler = handler;
  }

  onReset(): void {
    // The primary's directory lives as long as the cluster: nothing to write again.
  }

  /** Sent at every heartbeat, changed or not: the primary hides a worker it has not heard from (stopped). */
  async update(changed: readonly ClusterSessionInfo[], removed: readonly string[]): Promise<void> {
    this.#send({ scale: 'update', changed: [...changed], removed: [...removed] });
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
