// A well-behaved logged-in session beside an attack: it runs `echo` every 20 ms (after each answer),
// checks every answer and records the round trips. Used by every hostile test and `npm run stress`.
import { login } from '../support/telnetClient.js';
import type { TelnetTestClient } from '../support/telnetClient.js';
import { TimedProbe, type ProbeOptions, type ProbeTimes } from './timedProbe.js';

export type { ProbeOptions };
export type RoundTrips = ProbeTimes;

export class Probe extends TimedProbe {
  readonly #prompt: string;

  private constructor(client: TelnetTestClient, prompt: string, intervalMs: number, answerTimeoutMs: number) {
    super(client, intervalMs, answerTimeoutMs);
    this.#prompt = prompt;
  }

  /** Logs in as `name` and starts probing. */
  static async start(port: number, { name = 'probe', prompt = 'TestServer> ', intervalMs = 20, answerTimeoutMs = 30_000 }: ProbeOptions = {}): Promise<Probe> {
    return new Probe(await login(port, name, { prompt }), prompt, intervalMs, answerTimeoutMs).begin();
  }

  protected async prepare(): Promise<void> {
    // Keep the client's copy of the screen small: a long run must not slow the probe itself.
    if (this.client.screen.length > 64 * 1024) this.client.text = '';
  }

  protected async exchange(n: number): Promise<void> {
    const line = `echo probe${n}`;
    const from = this.client.screen.length;
    this.client.send(`${line}\r\n`);
    const at = await this.client.waitFor(this.#prompt, { from: from + line.length, timeoutMs: this.answerTimeoutMs });
    const answer = this.client.screen.slice(from, at);
    if (answer !== `${line}\nprobe${n}\n`) throw new Error(`probe: wrong answer ${JSON.stringify(answer.slice(0, 200))}`);
  }
}

export function formatRoundTrips({ count, p50, max }: RoundTrips): string {
  return `probe p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms (${count} round trips)`;
}
