// A logged-in session that types one key every `intervalMs` (as a person does) and times each key's
// echo; every 60 keys it kills the line (^U, not timed), so its line stays short however long it runs. Used by the
// mass-connect hostile test and `npm run bench:massconnect`.
import { performance } from 'node:perf_hooks';
import { login, type TelnetTestClient } from '../support/telnetClient.js';

export interface KeyFigures {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface KeyProbeOptions {
  name?: string;
  prompt?: string;
  intervalMs?: number;
  /** How long one echo may take before the probe fails (ms). */
  answerTimeoutMs?: number;
}

const KILL_LINE = '\x15';
const KEYS_PER_LINE = 60;

export class KeyProbe {
  readonly client: TelnetTestClient;
  readonly #times: number[] = [];
  readonly #intervalMs: number;
  readonly #answerTimeoutMs: number;
  #running = true;
  #failure: Error | null = null;
  readonly #done: Promise<void>;

  private constructor(client: TelnetTestClient, intervalMs: number, answerTimeoutMs: number) {
    this.client = client;
    this.#intervalMs = intervalMs;
    this.#answerTimeoutMs = answerTimeoutMs;
    this.#done = this.#loop();
  }

  /** Logs in as `name` and starts typing. */
  static async start(port: number, { name = 'keyprobe', prompt = 'TestServer> ', intervalMs = 50, answerTimeoutMs = 30_000 }: KeyProbeOptions = {}): Promise<KeyProbe> {
    return new KeyProbe(await login(port, name, { prompt }), intervalMs, answerTimeoutMs);
  }

  /** Forgets the echoes so far: call before an attack to measure only the attack. */
  reset(): void {
    this.#times.length = 0;
  }

  /** Resolves once `count` more keys have been echoed; throws as soon as one was not. */
  async more(count: number): Promise<void> {
    const target = this.#times.length + count;
    while (this.#times.length < target) {
      if (this.#failure) throw this.#failure;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Stops typing and closes the session; throws when an echo did not come in `answerTimeoutMs`. */
  async stop(): Promise<KeyFigures> {
    this.#running = false;
    await this.#done;
    this.client.close();
    if (this.#failure) throw this.#failure;
    return this.figures();
  }

  figures(): KeyFigures {
    const sorted = [...this.#times].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
  }

  async #loop(): Promise<void> {
    let n = 0;
    try {
      while (this.#running) {
        if (n > 0 && n % KEYS_PER_LINE === 0) {
          this.client.send(KILL_LINE);
          await new Promise((resolve) => setTimeout(resolve, this.#intervalMs));
          this.client.text = '';
        }
        const from = this.client.screen.length;
        const started = performance.now();
        this.client.send('a');
        await this.client.waitFor('a', { from, timeoutMs: this.#answerTimeoutMs });
        this.#times.push(performance.now() - started);
        n++;
        await new Promise((resolve) => setTimeout(resolve, this.#intervalMs));
      }
    } catch (error) {
      this.#failure = error as Error;
    }
  }
}

export function formatKeyFigures({ count, p50, p99, max }: KeyFigures): string {
  return `key echo p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms (${count} keys)`;
}
