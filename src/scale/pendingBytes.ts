/**
 * Bytes handed to an IPC channel and not written yet. Node queues what a slow reader has not taken in
 * the sender's memory without bound; past `cap` the cluster transport drops messages instead (logged).
 */
export class PendingBytes {
  #pending = 0;
  constructor(readonly cap: number) {}

  /** Reserves `bytes`; false, reserving nothing, when that would pass the cap (one message always fits an idle channel). */
  take(bytes: number): boolean {
    if (this.#pending > 0 && this.#pending + bytes > this.cap) return false;
    this.#pending += bytes;
    return true;
  }

  release(bytes: number): void {
    this.#pending = Math.max(0, this.#pending - bytes);
  }

  get pending(): number {
    return this.#pending;
  }
}

/** Default cap per channel: 128 messages at the bus limit. */
export const DEFAULT_MAX_PENDING_BYTES = 8 * 1024 * 1024;
