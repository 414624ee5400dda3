// A logged-in session that types one key every `intervalMs` (as a person does) and times each key's
// echo; every 60 keys it kills the line (^U, not timed), so its line stays short however long it runs. Used by the
// mass-connect and key-cost hostile tests and `npm run bench:massconnect`.
import { login, type TelnetTestClient } from '../support/telnetClient.js';
import { TimedProbe, type ProbeOptions, type ProbeTimes } from './timedProbe.js';

export type KeyFigures = ProbeTimes;
export type KeyProbeOptions = ProbeOptions;

const KILL_LINE = '\x15';
const KEYS_PER_LINE = 60;

export class KeyProbe extends TimedProbe {
  private constructor(client: TelnetTestClient, intervalMs: number, answerTimeoutMs: number) {
    super(client, intervalMs, answerTimeoutMs);
  }

  /** Logs in as `name` and starts typing. */
  static async start(port: number, { name = 'keyprobe', prompt = 'TestServer> ', intervalMs = 50, answerTimeoutMs = 30_000 }: KeyProbeOptions = {}): Promise<KeyProbe> {
    return new KeyProbe(await login(port, name, { prompt }), intervalMs, answerTimeoutMs).begin();
  }

  protected async prepare(n: number): Promise<void> {
    if (n === 0 || n % KEYS_PER_LINE !== 0) return;
    this.client.send(KILL_LINE);
    await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    this.client.text = '';
  }

  protected async exchange(): Promise<void> {
    const from = this.client.screen.length;
    this.client.send('a');
    await this.client.waitFor('a', { from, timeoutMs: this.answerTimeoutMs });
  }
}

export function formatKeyFigures({ count, p50, p99, max }: KeyFigures): string {
  return `key echo p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms (${count} keys)`;
}
