// A separate process of N telnet clients: answers negotiation like a real client (one round trip),
// logs in, then runs commands one at a time per session, all sessions at once. Driven over IPC.
import net from 'node:net';

const IAC = 255, SB = 250, SE = 240, WILL = 251, WONT = 252, DO = 253, DONT = 254;
const ECHO = 1, SGA = 3, TTYPE = 24, NAWS = 31;
const PROMPT = 'TestServer> ';

class BenchClient {
  text = '';
  /** What came before the prompt the last wait ended on. */
  lastText = '';
  #waiting: { needle: string; resolve: () => void } | null = null;
  #rest: number[] = [];
  readonly socket: net.Socket;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk) => this.#receive(chunk));
    this.socket.on('error', () => {});
  }

  waitFor(needle: string): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting = { needle, resolve };
      this.#check();
    });
  }

  #check(): void {
    const waiting = this.#waiting;
    if (waiting && this.text.endsWith(waiting.needle)) {
      this.#waiting = null;
      this.lastText = this.text;
      this.text = '';
      waiting.resolve();
    }
  }

  #receive(chunk: Buffer): void {
    if (!chunk.includes(IAC) && this.#rest.length === 0) {
      this.text += chunk.toString('latin1');
      this.#check();
      return;
    }
    const bytes = [...this.#rest, ...chunk];
    this.#rest = [];
    const replies: number[] = [];
    let plain = '';
    let i = 0;
    for (; i < bytes.length; i++) {
      if (bytes[i] !== IAC) {
        plain += String.fromCharCode(bytes[i]!);
        continue;
      }
      const cmd = bytes[i + 1];
      if (cmd === undefined) break;
      if (cmd >= WILL && cmd <= DONT) {
        const option = bytes[i + 2];
        if (option === undefined) break;
        if (cmd === DO) {
          const yes = option === TTYPE || option === NAWS || option === SGA;
          replies.push(IAC, yes ? WILL : WONT, option);
          if (option === NAWS) replies.push(IAC, SB, NAWS, 0, 80, 0, 24, IAC, SE);
        } else if (cmd === WILL) {
          replies.push(IAC, option === ECHO || option === SGA ? DO : DONT, option);
        }
        i += 2;
      } else if (cmd === SB) {
        const end = bytes.indexOf(SE, i);
        if (end < 0) break;
        if (bytes[i + 2] === TTYPE) replies.push(IAC, SB, TTYPE, 0, ...Buffer.from('XTERM'), IAC, SE);
        i = end;
      } else {
        i += 1;
      }
    }
    this.#rest = bytes.slice(i);
    if (replies.length) this.socket.write(Buffer.from(replies));
    this.text += plain;
    this.#check();
  }
}

const clients: BenchClient[] = [];

async function connectAll(port: number, n: number, concurrency: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const index = next++;
      const started = performance.now();
      const client = new BenchClient(port);
      clients.push(client);
      await client.waitFor('Username: ');
      client.socket.write(`bench${index}\r\n`);
      await client.waitFor(PROMPT);
      times.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return times;
}

async function runCommands(commands: number): Promise<number[]> {
  const rtts: number[] = [];
  await Promise.all(
    clients.map(async (client, index) => {
      for (let k = 0; k < commands; k++) {
        const started = performance.now();
        client.socket.write(`echo c${index}-${k}\r\n`);
        await client.waitFor(PROMPT);
        rtts.push(performance.now() - started);
      }
    }),
  );
  return rtts;
}

/** Each session sends at a fixed pace (rate/N per second), staggered: a moderate, steady offered load. */
async function runPaced(rate: number, seconds: number): Promise<number[]> {
  const rtts: number[] = [];
  const interval = (clients.length / rate) * 1000;
  const count = Math.max(1, Math.floor((seconds * 1000) / interval));
  const origin = performance.now();
  await Promise.all(
    clients.map(async (client, index) => {
      const offset = (index / clients.length) * interval;
      for (let k = 0; k < count; k++) {
        const due = origin + offset + k * interval;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const started = performance.now();
        client.socket.write(`echo p${index}-${k}\r\n`);
        await client.waitFor(PROMPT);
        rtts.push(performance.now() - started);
      }
    }),
  );
  return rtts;
}

/** One session pastes an `echo` line of `bytes` characters at once: time to the prompt, and whether the
 *  whole line came back as the command's output. */
async function paste(bytes: number): Promise<{ ms: number; ok: boolean }> {
  const client = clients[0]!;
  const payload = 'pasted-text '.repeat(Math.ceil(bytes / 12)).slice(0, bytes);
  const started = performance.now();
  client.socket.write(`echo ${payload}\r\n`);
  await client.waitFor(PROMPT);
  const ms = performance.now() - started;
  // Twisted's telnet stack turns each LF into CR CR CR LF (two layers each add a CR): harmless on a
  // terminal, so the check takes any run of CRs before a LF as one line end.
  const text = client.lastText.replace(/\r+\n/g, '\r\n');
  return { ms, ok: text.includes(`\r\n${payload.trim().replace(/ +/g, ' ')}\r\n`) };
}

process.on('message', async (message: { op: string; port?: number; n?: number; commands?: number; concurrency?: number; rate?: number; seconds?: number; bytes?: number }) => {
  if (message.op === 'connect') {
    const before = process.cpuUsage();
    const times = await connectAll(message.port!, message.n!, message.concurrency ?? 100);
    const used = process.cpuUsage(before);
    process.send?.({ op: 'connected', times, cpuMicros: used.user + used.system });
  } else if (message.op === 'run') {
    const started = performance.now();
    const rtts = await runCommands(message.commands!);
    process.send?.({ op: 'ran', rtts, ms: performance.now() - started });
  } else if (message.op === 'paste') {
    process.send?.({ op: 'pasted', ...(await paste(message.bytes!)) });
  } else if (message.op === 'pace') {
    const rtts = await runPaced(message.rate!, message.seconds!);
    process.send?.({ op: 'paced', rtts });
  } else if (message.op === 'close') {
    for (const client of clients) client.socket.destroy();
    process.exit(0);
  }
});
process.send?.({ op: 'ready' });
