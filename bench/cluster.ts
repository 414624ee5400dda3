// npm run bench:cluster [-- --sessions N --generators G --mode cluster|redis|both --bundle]
// Sessions held by two server processes (the demo as a 2-worker node:cluster, or two demo processes
// joined through a real redis-server): memory per session, idle CPU, and one `say` to all: the time
// until each session has it (p50 / p99 / max). Load generators are separate processes, for their fds.
// --bundle runs what is deployed (dist/telnetsrv-demo.mjs, `npm run build` first) instead of tsx.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const now = () => performance.timeOrigin + performance.now();

function rssKiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(50);
  }
}

/** Everything started here, stopped however the bench ends. */
const children: ChildProcess[] = [];
process.on('SIGINT', () => process.exit(1));
process.on('SIGTERM', () => process.exit(1));
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
});

interface Demo {
  child: ChildProcess;
  out: string;
}
let demoEntry = ['--import', 'tsx', 'src/demo/main.ts'];
function startDemo(args: string[]): Demo {
  const child = spawn(process.execPath, [...demoEntry, '--port', '0', '--no-ssh', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(child);
  const demo = { child, out: '' };
  child.stdout!.on('data', (chunk: Buffer) => (demo.out += chunk.toString()));
  return demo;
}
const listening = (demo: Demo) => [...demo.out.matchAll(/listening on [\d.]+:(\d+) \(process (\S+), pid (\d+)\)/g)].map((m) => ({ port: Number(m[1]), pid: Number(m[3]) }));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function run(mode: 'cluster' | 'redis', sessions: number, generators: number): Promise<void> {
  let redis: ChildProcess | null = null;
  const demos: Demo[] = [];
  if (mode === 'cluster') demos.push(startDemo(['--workers', '2']));
  else {
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    children.push(redis);
    await sleep(300);
    demos.push(startDemo(['--redis', `redis://127.0.0.1:${port}`]), startDemo(['--redis', `redis://127.0.0.1:${port}`]));
  }
  await until(() => demos.flatMap(listening).length >= 2, 30_000, 'two server processes');
  const servers = demos.flatMap(listening);
  const pids = servers.map((s) => s.pid);
  const ports = [...new Set(servers.map((s) => s.port))];
  await sleep(1000);
  const rssBefore = pids.map(rssKiB);
  const started = Date.now();
  const gens: ChildProcess[] = [];
  const per = Math.ceil(sessions / generators);
  for (let g = 0; g < generators; g++) {
    gens.push(
      fork(fileURLToPath(import.meta.url), [], {
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, BENCH_ROLE: 'gen', BENCH_PORTS: ports.join(','), BENCH_COUNT: String(Math.min(per, sessions - g * per)), BENCH_OFFSET: String(g * per) },
      }),
    );
  }
  children.push(...gens);
  let ready = 0;
  await Promise.all(
    gens.map(
      (gen) =>
        new Promise<void>((resolve, reject) => {
          gen.once('message', (m: { ready: number }) => ((ready += m.ready), resolve()));
          gen.once('exit', (code) => reject(new Error(`a load generator exited (${code}) before its sessions were in`)));
        }),
    ),
  );
  const loginSeconds = (Date.now() - started) / 1000;
  await sleep(3000); // the directory heartbeat and GC settle
  const rssAfter = pids.map(rssKiB);
  const ticks0 = pids.map(cpuTicks);
  await sleep(5000);
  const idleCpu = pids.map((pid, i) => (cpuTicks(pid) - ticks0[i]!) / 100 / 5); // ticks are 1/100 s
  // One more session says it; every other session's arrival time is recorded.
  const speaker = net.connect(ports[0]!, '127.0.0.1');
  let said = 0;
  await new Promise<void>((resolve) => {
    let text = '';
    speaker.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.endsWith('Username: ')) (text = ''), speaker.write('speaker\r\n');
      else if (!said && text.endsWith('TestServer> ')) {
        said = now();
        speaker.write('say BENCHPING\r\n');
        resolve();
      }
    });
  });
  // Until every other session has it, or a minute (a loaded machine can take long; what is missing then is reported).
  const deadline = Date.now() + 60_000;
  await sleep(1000);
  for (;;) {
    let got = 0;
    await Promise.all(gens.map((gen) => new Promise<void>((resolve) => {
      gen.once('message', (m: { got: number }) => ((got += m.got), resolve()));
      gen.send({ count: true });
    })));
    if (got >= ready || Date.now() > deadline) break;
    await sleep(1000);
  }
  const times: number[] = [];
  await Promise.all(gens.map((gen) => new Promise<void>((resolve) => {
    gen.once('message', (m: { times: number[] }) => (times.push(...m.times), resolve()));
    gen.send({ report: true });
  })));
  const reached = times.filter((t) => t > 0).map((t) => t - said).sort((x, y) => x - y);
  for (const gen of gens) gen.send({ close: true });
  speaker.destroy();
  const perSession = (rssAfter.reduce((x, y) => x + y) - rssBefore.reduce((x, y) => x + y)) * 1024 / ready;
  console.log(`${mode}: ${ready} sessions on ${pids.length} processes (logged in in ${loginSeconds.toFixed(1)} s)`);
  console.log(`  rss per process: ${rssBefore.map((k) => (k / 1024).toFixed(0)).join(' / ')} MB -> ${rssAfter.map((k) => (k / 1024).toFixed(0)).join(' / ')} MB; marginal ${(perSession / 1024).toFixed(1)} KiB per session`);
  console.log(`  idle CPU (5 s): ${idleCpu.map((c) => `${(c * 100).toFixed(1)}%`).join(' / ')} of a core`);
  console.log(`  say to all: ${reached.length}/${ready} reached; p50 ${percentile(reached, 50).toFixed(0)} ms, p99 ${percentile(reached, 99).toFixed(0)} ms, max ${reached.at(-1)!.toFixed(0)} ms`);
  for (const demo of demos) demo.child.kill('SIGTERM');
  await Promise.all(demos.map((demo) => new Promise((resolve) => (demo.child.exitCode !== null ? resolve(null) : demo.child.once('exit', resolve)))));
  redis?.kill('SIGTERM');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sessions: { type: 'string', default: '4000' },
      generators: { type: 'string', default: '2' },
      mode: { type: 'string', default: 'both' },
      bundle: { type: 'boolean', default: false },
    },
  });
  if (values.bundle) demoEntry = [path.join(root, 'dist/telnetsrv-demo.mjs')];
  console.log(`demo run as: ${values.bundle ? 'the bundle (dist/telnetsrv-demo.mjs)' : 'tsx src/demo/main.ts'}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  const sessions = Number(values.sessions);
  const generators = Number(values.generators);
  if (values.mode !== 'redis') await run('cluster', sessions, generators);
  if (values.mode !== 'cluster') await run('redis', sessions, generators);
}

// ---- generator role: N sessions logged in, then the time each one sees the broadcast ----
/** 16 sessions per source address (127.1.0.1, 127.1.0.2, ...): under the per-address limit on either process. */
function sourceAddress(session: number): string {
  const n = Math.floor(session / 16);
  return `127.1.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}

async function generator(): Promise<void> {
  const ports = process.env.BENCH_PORTS!.split(',').map(Number);
  const count = Number(process.env.BENCH_COUNT);
  const offset = Number(process.env.BENCH_OFFSET);
  const sockets: Array<{ socket: net.Socket; text: string; got: number }> = [];
  const login = (i: number) =>
    new Promise<void>((resolve, reject) => {
      // Many source addresses (all of 127/8 is loopback): one address has neither the ephemeral ports for
      // 30,000 connections nor the server's leave (maxSessionsPerAddress, 32 per process).
      const socket = net.connect({ port: ports[(offset + i) % ports.length]!, host: '127.0.0.1', localAddress: sourceAddress(offset + i) });
      const entry = { socket, text: '', got: 0 };
      sockets.push(entry);
      let state = 0;
      socket.on('error', reject);
      socket.on('close', () => state < 2 && reject(new Error(`session ${offset + i} closed before its prompt: ${JSON.stringify(entry.text.slice(-200))}`)));
      socket.on('data', (chunk: Buffer) => {
        if (entry.got) return;
        entry.text += chunk.toString('latin1');
        if (state === 0 && entry.text.endsWith('Username: ')) {
          state = 1;
          entry.text = '';
          socket.write(`u${offset + i}\r\n`);
        } else if (state === 1 && entry.text.endsWith('TestServer> ')) {
          state = 2;
          entry.text = '';
          resolve();
        } else if (state === 2 && entry.text.includes('BENCHPING')) {
          entry.got = now();
          entry.text = '';
        }
        if (entry.text.length > 4096) entry.text = entry.text.slice(-64);
      });
    });
  for (let i = 0; i < count; i += 250) await Promise.all(Array.from({ length: Math.min(250, count - i) }, (_, j) => login(i + j)));
  process.send!({ ready: sockets.length });
  process.on('message', (message: { report?: boolean; close?: boolean; count?: boolean }) => {
    if (message.count) process.send!({ got: sockets.filter((s) => s.got > 0).length });
    if (message.report) process.send!({ times: sockets.map((s) => s.got) });
    if (message.close) {
      for (const s of sockets) s.socket.destroy();
      process.exit(0);
    }
  });
}


if (process.env.BENCH_ROLE === 'gen') await generator();
else await main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
