// What every probe beside an attack shares: a logged-in session doing one timed exchange every
// `intervalMs` (after the last answer), the times kept, the first failure kept to be thrown.
import { performance } from 'node:perf_hooks';
import type { TelnetTestClient } from '../support/telnetClient.js';

export interface ProbeTimes {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface ProbeOptions {
  name?: string;
  prompt?: string;
  intervalMs?: number;
  /** How long one answer may take before the probe fails (ms). */
  answerTimeoutMs?: number;
}

export abstract class TimedProbe {
  readonly #times: number[] = [];
  #running = true;
  #failure: Error | null = null;
  #done: Promise<void> = Promise.resolve();

  protected constructor(
    readonly client: TelnetTestClient,
    protected readonly intervalMs: number,
    protected readonly answerTimeoutMs: number,
  ) {}

  /** Before exchange `n`, untimed (keeping the client's screen or line short). */
  protected abstract prepare(n: number): Promise<void>;
  /** Exchange `n`, timed: send, and wait for the answer (throw when it is wrong or late). */
  protected abstract exchange(n: number): Promise<void>;

  /** Starts the loop, once the subclass is whole (its fields set). */
  protected begin(): this {
    this.#done = this.#loop();
    return this;
  }

  /** Forgets the times so far: call before an attack to measure only the attack. */
  reset(): void {
    this.#times.length = 0;
  }

  /** Resolves once `count` more exchanges have been answered; throws as soon as one was wrong or missing. */
  async more(count: number): Promise<void> {
    const target = this.#times.length + count;
    while (this.#times.length < target) {
      if (this.#failure) throw this.#failure;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Stops and closes the session; throws when an answer was wrong or did not come in `answerTimeoutMs`. */
  async stop(): Promise<ProbeTimes> {
    this.#running = false;
    await this.#done;
    this.client.close();
    if (this.#failure) throw this.#failure;
    return this.figures();
  }

  figures(): ProbeTimes {
    const sorted = [...this.#times].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
  }

  async #loop(): Promise<void> {
    let n = 0;
    try {
      while (this.#running) {
        await this.prepare(n);
        const started = performance.now();
        await this.exchange(n);
        this.#times.push(performance.now() - started);
        n++;
        await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
      }
    } catch (error) {
      this.#failure = error as Error;
    }
  }
}
