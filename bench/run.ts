// The bench runner: the library and the raw net floor, each with the same load generator in its
// own process (pinned to another core when taskset exists), measured in the same run.
// `npm run bench` runs N = 1,000; `npm run bench -- --full` runs 100 to 10,000 and writes an SVG.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const full = process.argv.includes('--full');
const sizes = full ? [100, 1000, 5000, 10000] : (process.env.BENCH_N ?? '1000').split(',').map(Number);
const COMMANDS = 20;
const hasTaskset = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).stdout.trim() !== '';

type Kind = 'library' | 'floor';
interface Result {
  n: number;
  connectP50: number;
  connectP99: number;
  commandsPerSecond: number;
  rttP50: number;
  rttP99: number;
  cpuPerCommandMicros: number;
  cpuPerConnectMicros: number;
  loadCpuPerConnectMicros: number;
  rssPerSessionKiB: number;
  heapPerSessionKiB: number;
  /** RSS with N idle sessions, less the RSS before the first connect (bytes). */
  rssGrowth: number;
  idleCpuPercent: number;
  pacedRttP50: number;
  pacedRttP99: number;
  pasteMs: number;
}

/** The moderate offered load of the latency target: 2,000 commands/s in total, for 5 s. */
const PACED_RATE = 2000;
const PACED_SECONDS = 10;
/** The bulk paste target: one line of 64 KiB pasted at the prompt. */
const PASTE_BYTES = 64 * 1024;

// The processes run compiled JavaScript, as users of the package do: under tsx every function gets
// its name set at run time (esbuild's keepNames), which costs CPU and turns each closure's
// properties into a dictionary (about 9 KiB more per session here).
const built = path.join(root, 'bench', '.build');
await build({
  entryPoints: ['libraryServer', 'floorServer', 'loadGenerator'].map((name) => path.join(root, 'bench', `${name}.ts`)),
  outdir: built,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
});

function start(name: string, core: number, nodeFlags: string[] = []): ChildProcess {
  const pin = hasTaskset ? `taskset -c ${core} ` : '';
  // Thousands of sockets need more descriptors than the usual soft limit of 1,024.
  const command = `ulimit -n 65536 2>/dev/null || ulimit -n 16384 2>/dev/null; exec ${pin}"${process.execPath}" ${nodeFlags.join(' ')} ${path.join(built, `${name}.mjs`)}`;
  return spawn('sh', ['-c', command], { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function next<T>(child: ChildProcess, predicate: (message: any) => boolean, timeoutMs = 300_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench child did not answer in time')), timeoutMs);
    const onMessage = (message: unknown) => {
      if (!predicate(message)) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
  });
}

interface Stats {
  rss: number;
  heapUsed: number;
  /** CPU used before the stats call's own full GC, so a phase it ends is not billed for it. */
  cpuMicros: number;
}
const stats = (server: ChildProcess) => {
  const answer = next<Stats>(server, (m) => typeof m?.rss === 'number');
  server.send('stats');
  return answer;
};
/** CPU used so far, without the full GC a stats call does. */
const cpu = (server: ChildProcess) => {
  const answer = next<{ cpuOnly: number }>(server, (m) => typeof m?.cpuOnly === 'number');
  server.send('cpu');
  return answer.then((m) => m.cpuOnly);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function measure(kind: Kind, n: number): Promise<Result> {
  // BENCH_PROFILE=dir writes a V8 CPU profile of the library server's command phase there
  // (BENCH_PROFILE_PHASE=connect: of the connect-and-login phase instead).
  const profile = process.env.BENCH_PROFILE && kind === 'library' ? (process.env.BENCH_PROFILE_PHASE === 'connect' ? 'connect' : 'commands') : null;
  // BENCH_SERVER_FLAGS adds node flags to the library server (say --trace-gc).
  const extra = process.env.BENCH_SERVER_FLAGS && kind === 'library' ? [process.env.BENCH_SERVER_FLAGS] : [];
  const server = start(`${kind}Server`, 1, ['--expose-gc', ...extra]);
  const load = start('loadGenerator', 0);
  try {
    const { port } = await next<{ port: number }>(server, (m) => typeof m?.port === 'number');
    await next(load, (m) => m?.op === 'ready');
    await sleep(300);
    const empty = await stats(server);
    if (profile === 'connect') await startProfile(server);
    load.send({ op: 'connect', port, n, concurrency: 100 });
    const { times, cpuMicros: loadConnectCpu } = await next<{ times: number[]; cpuMicros: number }>(load, (m) => m?.op === 'connected');
    if (profile === 'connect') await stopProfile(server, profile);
    const connectedCpu = await cpu(server);
    await sleep(1000);
    const idleStart = await stats(server);
    if (process.env.BENCH_HEAP && kind === 'library') {
      // BENCH_HEAP=dir writes a heap snapshot of the server holding N idle sessions there.
      const written = next<{ heapSnapshot: string }>(server, (m) => typeof m?.heapSnapshot === 'string');
      server.send('heap-snapshot');
      console.log(`heap snapshot with ${n} idle sessions: ${(await written).heapSnapshot}`);
    }
    // Each stats call ends in a full GC (hundreds of ms at 10,000 sessions, with work left for GC
    // threads): phases are timed from a second after it, with plain CPU readings.
    await sleep(1000);
    const idleCpuStart = await cpu(server);
    await sleep(3000);
    const idleCpuEnd = await cpu(server);
    await stats(server);
    await sleep(1000);
    const busyCpuStart = await cpu(server);
    if (profile === 'commands') await startProfile(server);
    load.send({ op: 'run', commands: COMMANDS });
    const { rtts, ms } = await next<{ rtts: number[]; ms: number }>(load, (m) => m?.op === 'ran');
    const busyEnd = await stats(server);
    if (profile === 'commands') await stopProfile(server, profile);
    // The stats call above ends in a full GC (hundreds of ms at 10,000 sessions): let the server
    // settle first, so the paced phase measures a steady load, not the tail of that pause.
    await sleep(1000);
    load.send({ op: 'pace', rate: PACED_RATE, seconds: PACED_SECONDS });
    const paced = await next<{ rtts: number[] }>(load, (m) => m?.op === 'paced');
    load.send({ op: 'paste', bytes: PASTE_BYTES });
    const pasted = await next<{ ms: number; ok: boolean }>(load, (m) => m?.op === 'pasted');
    if (!pasted.ok) throw new Error(`${kind}: the ${PASTE_BYTES}-byte paste did not come back whole`);
    return {
      pasteMs: pasted.ms,
      pacedRttP50: percentile(paced.rtts, 50),
      pacedRttP99: percentile(paced.rtts, 99),
      n,
      connectP50: percentile(times, 50),
      connectP99: percentile(times, 99),
      commandsPerSecond: (rtts.length / ms) * 1000,
      rttP50: percentile(rtts, 50),
      rttP99: percentile(rtts, 99),
      cpuPerCommandMicros: (busyEnd.cpuMicros - busyCpuStart) / rtts.length,
      cpuPerConnectMicros: (connectedCpu - empty.cpuMicros) / n,
      loadCpuPerConnectMicros: loadConnectCpu / n,
      rssPerSessionKiB: (idleStart.rss - empty.rss) / n / 1024,
      heapPerSessionKiB: (idleStart.heapUsed - empty.heapUsed) / n / 1024,
      rssGrowth: idleStart.rss - empty.rss,
      // The stats calls themselves cost a little CPU; it is counted against the server, not hidden.
      idleCpuPercent: ((idleCpuEnd - idleCpuStart) / 3_000_000) * 100,
    };
  } finally {
    load.send?.({ op: 'close' });
    // SIGTERM first: the servers exit cleanly on it; then no mercy.
    server.kill('SIGTERM');
    await sleep(100);
    server.kill('SIGKILL');
    load.kill('SIGKILL');
    await sleep(300);
  }
}

const ROWS: Array<[string, keyof Result, number, boolean]> = [
  ['connect-to-prompt p50 (ms)', 'connectP50', 2, true],
  ['connect-to-prompt p99 (ms)', 'connectP99', 2, true],
  ['commands/s', 'commandsPerSecond', 0, false],
  ['round trip p50, saturated (ms)', 'rttP50', 2, true],
  ['round trip p99, saturated (ms)', 'rttP99', 2, true],
  [`round trip p50 at ${PACED_RATE}/s (ms)`, 'pacedRttP50', 2, true],
  [`round trip p99 at ${PACED_RATE}/s (ms)`, 'pacedRttP99', 2, true],
  ['64 KiB line pasted, to prompt (ms)', 'pasteMs', 1, true],
  ['server CPU per command (us)', 'cpuPerCommandMicros', 1, true],
  ['server CPU per connect+login (us)', 'cpuPerConnectMicros', 0, true],
  ['load generator CPU per connect (us)', 'loadCpuPerConnectMicros', 0, true],
  ['server RSS per idle session (KiB)', 'rssPerSessionKiB', 1, true],
  ['server JS heap per idle session (KiB)', 'heapPerSessionKiB', 1, true],
  ['idle CPU, % of one core', 'idleCpuPercent', 2, true],
];

function table(library: Result, floor: Result): string {
  const lines = [`N = ${library.n} sessions, ${COMMANDS} echo commands each${hasTaskset ? ' (server on core 1, load on core 0)' : ''}`];
  lines.push(`${'metric'.padEnd(36)}${'library'.padStart(12)}${'floor'.padStart(12)}${'ratio'.padStart(10)}`);
  for (const [label, key, digits] of ROWS) {
    const a = library[key];
    const b = floor[key];
    const ratio = b === 0 ? '-' : `${(a / b).toFixed(2)}x`;
    lines.push(`${label.padEnd(36)}${a.toFixed(digits).padStart(12)}${b.toFixed(digits).padStart(12)}${ratio.padStart(10)}`);
  }
  return lines.join('\n');
}

async function startProfile(server: ChildProcess): Promise<void> {
  const started = next(server, (m) => m?.profiling === true);
  server.send('profile-start');
  await started;
}

async function stopProfile(server: ChildProcess, phase: string): Promise<void> {
  const written = next<{ profiled: string }>(server, (m) => typeof m?.profiled === 'string');
  server.send({ profileStop: phase });
  console.log(`profile of the ${phase} phase: ${(await written).profiled}`);
}

function svg(results: Array<{ library: Result; floor: Result }>): string {
  const chart = (key: keyof Result, title: string, x0: number) => {
    const values = results.flatMap((r) => [r.library[key], r.floor[key]]);
    const max = Math.max(...values) * 1.1 || 1;
    const px = (i: number) => x0 + 50 + (i * 300) / Math.max(1, results.length - 1);
    const py = (v: number) => 260 - (v / max) * 200;
    const line = (kind: Kind, color: string) =>
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${results.map((r, i) => `${px(i)},${py(r[kind][key])}`).join(' ')}"/>`;
    const labels = results.map((r, i) => `<text x="${px(i)}" y="280" font-size="11" text-anchor="middle">${r.library.n}</text>`).join('');
    return `<text x="${x0 + 200}" y="30" font-size="14" text-anchor="middle">${title}</text>
<text x="${x0 + 10}" y="60" font-size="11">${max.toFixed(1)}</text><line x1="${x0 + 50}" y1="260" x2="${x0 + 350}" y2="260" stroke="#999"/>
${line('library', '#c0392b')}${line('floor', '#2c3e50')}${labels}`;
  };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="820" height="320" font-family="sans-serif">
<rect width="820" height="320" fill="white"/>
${chart('cpuPerCommandMicros', 'server CPU per command (us) vs N', 0)}
${chart('rssPerSessionKiB', 'RSS per idle session (KiB) vs N', 410)}
<text x="60" y="310" font-size="12" fill="#c0392b">library</text><text x="130" y="310" font-size="12" fill="#2c3e50">raw net floor</text>
</svg>\n`;
}

const results: Array<{ library: Result; floor: Result }> = [];
for (const n of sizes) {
  const library = await measure('library', n);
  const floor = await measure('floor', n);
  results.push({ library, floor });
  console.log(`${table(library, floor)}\n`);
}
// The memory target is marginal: what each session adds between N = 1,000 and the largest N.
const first = results.find((r) => r.library.n === 1000);
const last = results.at(-1);
if (first && last && last.library.n > first.library.n) {
  const marginal = (kind: Kind) => (last[kind].rssGrowth - first[kind].rssGrowth) / (last[kind].n - first[kind].n) / 1024;
  console.log(`marginal RSS per idle session, N = 1000 -> ${last.library.n} (KiB): library ${marginal('library').toFixed(1)}, floor ${marginal('floor').toFixed(1)}`);
}
if (full) {
  writeFileSync(path.join(root, 'bench', 'results.svg'), svg(results));
  console.log('wrote bench/results.svg');
}
