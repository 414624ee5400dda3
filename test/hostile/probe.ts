// A well-behaved logged-in session beside an attack: it runs `echo` every 20 ms (after each answer),
// checks every answer and records the round trips. Used by every hostile test and `npm run stress`.
import { performance } from 'node:perf_hooks';
import { login } from '../support/telnetClient.js';
import type { TelnetTestClient } from '../support/telnetClient.js';

export interface RoundTrips {
  count: number;
  p50: number;
  max: number;
}

export interface ProbeOptions {
  name?: string;
  prompt?: string;
  intervalMs?: number;
  /** How long one answer may take before the probe fails (ms). */
  answerTimeoutMs?: number;
}

export class Probe {
  readonly client: TelnetTestClient;
  readonly #times: number[] = [];
  readonly #prompt: string;
  readonly #intervalMs: number;
  readonly #answerTimeoutMs: number;
  #running = true;
  #failure: Error | null = null;
  readonly #done: Promise<void>;

  private constructor(client: TelnetTestClient, prompt: string, intervalMs: number, answerTimeoutMs: number) {
    this.client = client;
    this.#prompt = prompt;
    this.#intervalMs = intervalMs;
    this.#answerTimeoutMs = answerTimeoutMs;
    this.#done = this.#loop();
  }

  /** Logs in as `name` and starts probing. */
  static async start(port: number, { name = 'probe', prompt = 'TestServer> ', intervalMs = 20, answerTimeoutMs = 30_000 }: ProbeOptions = {}): Promise<Probe> {
    return new Probe(await login(port, name, { prompt }), prompt, intervalMs, answerTimeoutMs);
  }

  /** Round trips so far (ms), and clears them: call before an attack to measure only the attack. */
  reset(): void {
    this.#times.length = 0;
  }

  /** Resolves once `count` more probes have been answered; throws as soon as one was wrong or missing. */
  async more(count: number): Promise<void> {
    const target = this.#times.length + count;
    while (this.#times.length < target) {
      if (this.#failure) throw this.#failure;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Stops the probe; throws when an answer was wrong or missing (`answerTimeoutMs`). */
  async stop(): Promise<RoundTrips> {
    this.#running = false;
    await this.#done;
    this.client.close();
    if (this.#failure) throw this.#failure;
    return this.figures();
  }

  figures(): RoundTrips {
    const sorted = [...this.#times].sort((a, b) => a - b);
    return {
      count: sorted.length,
      p50: sorted[Math.floor(sorted.length / 2)] ?? 0,
      max: sorted.at(-1) ?? 0,
    };
  }

  async #loop(): Promise<void> {
    let n = 0;
    try {
      while (this.#running) {
        const line = `echo probe${n}`;
        const from = this.client.screen.length;
        const started = performance.now();
        this.client.send(`${line}\r\n`);
        const at = await this.client.waitFor(this.#prompt, { from: from + line.length, timeoutMs: this.#answerTimeoutMs });
        this.#times.push(performance.now() - started);
        const answer = this.client.screen.slice(from, at);
        if (answer !== `${line}\nprobe${n}\n`) throw new Error(`probe: wrong answer ${JSON.stringify(answer.slice(0, 200))}`);
        // Keep the client's copy of the screen small: a long run must not slow the probe itself.
        if (this.client.screen.length > 64 * 1024) this.client.text = '';
        n++;
        await new Promise((resolve) => setTimeout(resolve, this.#intervalMs));
      }
    } catch (error) {
      this.#failure = error as Error;
    }
  }
}

export function formatRoundTrips({ count, p50, max }: RoundTrips): string {
  return `probe p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms (${count} round trips)`;
}
