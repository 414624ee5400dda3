// `npm run bench:stall`: while one session runs `crunch 2` (CPU work in the worker pool), another
// session's `echo` round trip, against the same work done inline on the event loop and against no
// work at all. The server is its own process (tsx); this one only measures.
// Targets (issue #17): with the pool, p99 < 10 ms and max < 50 ms.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A bare client (it answers no negotiation, as netcat): what it reads is kept only since the last
 * command, so each round trip costs the same however long the run.
 */
class Probe {
  #seen = '';
  #waiting: { text: string; resolve: () => void } | null = null;
  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.#seen += chunk.toString('latin1');
      if (this.#waiting && this.#seen.includes(this.#waiting.text)) {
        const { resolve } = this.#waiting;
        this.#waiting = null;
        resolve();
      }
    });
  }

  static async login(port: number, name: string): Promise<Probe> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const probe = new Probe(socket);
    await probe.until('Username: ');
    probe.send(`${name}\r\n`);
    await probe.until(PROMPT);
    return probe;
  }

  send(text: string): void {
    this.#seen = '';
    this.socket.write(text);
  }

  /** Resolves once `text` has been read since the last `send`. */
  until(text: string): Promise<void> {
    if (this.#seen.includes(text)) return Promise.resolve();
    return new Promise((resolve) => (this.#waiting = { text, resolve }));
  }

  close(): void {
    this.socket.destroy();
  }
}

const PROMPT = 'TestServer> ';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SECONDS = Number(process.env.STALL_SECONDS ?? 2);
/** Pause between two echoes of the measuring session (ms): a person typing fast, a script polling. */
const GAP_MS = 5;

const server = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/stallServer.ts')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const match = /port (\d+)/.exec(out);
    if (match) resolve(Number(match[1]));
  });
  server.once('exit', (code) => reject(new Error(`server exited (${code})`)));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Echo round trips of `probe` (ms) until `done` settles. */
async function roundTrips(probe: Probe, done: Promise<unknown>): Promise<number[]> {
  let finished = false;
  void done.finally(() => (finished = true));
  const times: number[] = [];
  let n = 0;
  while (!finished) {
    const word = `probe${n++}`;
    const sent = performance.now();
    probe.send(`echo ${word}\r\n`);
    await probe.until(`${word}\r\n${PROMPT}`);
    times.push(performance.now() - sent);
    await sleep(GAP_MS);
  }
  return times;
}

function summary(label: string, times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return `${label.padEnd(34)} ${String(times.length).padStart(5)} echoes   p50 ${at(0.5).toFixed(2).padStart(7)} ms   p99 ${at(0.99).toFixed(2).padStart(7)} ms   max ${(sorted.at(-1) ?? NaN).toFixed(2).padStart(8)} ms`;
}

async function measure(worker: Probe, probe: Probe, line: string | null): Promise<number[]> {
  if (line === null) return roundTrips(probe, sleep(SECONDS * 1000));
  worker.send(`${line}\r\n`);
  return roundTrips(probe, worker.until('crunched'));
}

try {
  const [worker, probe] = await Promise.all([Probe.login(port, 'worker'), Probe.login(port, 'probe')]);
  // Warm up: the pool's thread started and the crunch module loaded; the JIT warmed on echo.
  await measure(worker, probe, 'crunch 0');
  await roundTrips(probe, sleep(500));
  console.log(`echo round trip of one session while another crunches ${SECONDS} s (pool threads: ${Math.max(1, availableParallelism() - 1)}, cores: ${availableParallelism()})`);
  const idle = await measure(worker, probe, null);
  console.log(summary('nothing else running', idle));
  const pooled = await measure(worker, probe, `crunch ${SECONDS}`);
  console.log(summary(`crunch ${SECONDS} in the worker pool`, pooled));
  const inline = await measure(worker, probe, `crunchinline ${SECONDS}`);
  console.log(summary(`the same work inline`, inline));
  const sorted = [...pooled].sort((a, b) => a - b);
  const p99 = sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))]!;
  const max = sorted.at(-1)!;
  console.log(`target with the pool: p99 < 10 ms (${p99 < 10 ? 'met' : 'NOT met'}), max < 50 ms (${max < 50 ? 'met' : 'NOT met'})`);
  // ^C during a long crunch: from the key sent to the prompt drawn again (the issue asks under 100 ms).
  const stops: number[] = [];
  for (let i = 0; i < 5; i++) {
    worker.send('crunch 30\r\n');
    await sleep(300);
    const sent = performance.now();
    worker.send('\x03');
    await worker.until(`^C\r\n${PROMPT}`);
    stops.push(performance.now() - sent);
  }
  console.log(`^C to the prompt during crunch 30 (5 times): ${stops.map((ms) => ms.toFixed(1)).join(', ')} ms`);
  worker.close();
  probe.close();
} finally {
  server.kill('SIGTERM');
}
