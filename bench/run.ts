// The bench runner: the library, the raw net floor and a featureful peer (Twisted Conch's recvline
// stack, when Debian's python3-twisted is installed), each with the same load generator in its own
// process (pinned to another core when taskset exists), measured in the same run.
// `npm run bench` runs N = 1,000; `npm run bench -- --full` runs 100 to 10,000 and writes an SVG;
// BENCH_RUNS=3 repeats each N and reports medians (ratios: the median of each run's own ratio).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { buildBenchEntries } from './buildServers.js';
import { nextMessage, stopBenchChildren } from './nextMessage.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const full = process.argv.includes('--full');
const sizes = full ? [100, 1000, 5000, 10000] : (process.env.BENCH_N ?? '1000').split(',').map(Number);
const COMMANDS = 20;
const hasTaskset = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).stdout.trim() !== '';
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));

/** A Python with Twisted (Debian's python3-twisted is in /usr/bin; a pyenv shim may come first on PATH). */
function findTwistedPython(): string | null {
  for (const candidate of [process.env.BENCH_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!candidate) continue;
    if (spawnSync(candidate, ['-c', 'import twisted.conch.recvline'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return null;
}
const twistedPython = process.env.BENCH_NO_TWISTED ? null : findTwistedPython();
if (!twistedPython) console.log('Twisted column skipped: no python3 with twisted.conch (apt-get install python3-twisted; scripts/installTools.sh)');

type Kind = 'library' | 'floor' | 'twisted';
// BENCH_ONLY=library runs one server alone (say, for a heap snapshot or a profile).
const KINDS: Kind[] = (twistedPython ? (['library', 'floor', 'twisted'] as Kind[]) : (['library', 'floor'] as Kind[])).filter(
  (kind) => !process.env.BENCH_ONLY || kind === process.env.BENCH_ONLY,
);
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

// The processes run compiled JavaScript, as users of the package do (see buildServers.ts).
const built = path.join(root, 'bench', '.build');
await buildBenchEntries(root, ['libraryServer', 'floorServer', 'loadGenerator'], built);

function start(name: string, core: number, nodeFlags: string[] = []): ChildProcess {
  const pin = hasTaskset ? `taskset -c ${core} ` : '';
  // The Python peer speaks the same IPC (Node's channel, JSON lines) from its own interpreter.
  const program =
    name === 'twistedServer' ? `"${twistedPython}" ${path.join(root, 'bench', 'twistedServer.py')}` : `"${process.execPath}" ${nodeFlags.join(' ')} ${path.join(built, `${name}.mjs`)}`;
  // Thousands of sockets need more descriptors than the usual soft limit of 1,024.
  const command = `ulimit -n 65536 2>/dev/null || ulimit -n 16384 2>/dev/null; exec ${pin}${program}`;
  return spawn('sh', ['-c', command], { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
}


interface Stats {
  rss: number;
  heapUsed: number;
  heapTotal?: number;
  external?: number;
  arrayBuffers?: number;
  /** CPU used before the stats call's own full GC, so a phase it ends is not billed for it. */
  cpuMicros: number;
}
const stats = (server: ChildProcess) => {
  const answer = nextMessage<Stats>(server, (m) => typeof m?.rss === 'number');
  server.send('stats');
  return answer;
};
/** CPU used so far, without the full GC a stats call does. */
const cpu = (server: ChildProcess) => {
  const answer = nextMessage<{ cpuOnly: number }>(server, (m) => typeof m?.cpuOnly === 'number');
  server.send('cpu');
  return answer.then((m) => m.cpuOnly);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function measure(kind: Kind, n: number): Promise<Result> {
  // BENCH_PROFILE=dir writes a V8 CPU profile of the library's and the floor's command phase there
  // (BENCH_PROFILE_PHASE=connect: of the connect-and-login phase instead), to compare in one run.
  const profile = process.env.BENCH_PROFILE && kind !== 'twisted' ? (process.env.BENCH_PROFILE_PHASE === 'connect' ? 'connect' : 'commands') : null;
  // BENCH_SERVER_FLAGS adds node flags to the library server (say --trace-gc).
  const extra = process.env.BENCH_SERVER_FLAGS && kind === 'library' ? [process.env.BENCH_SERVER_FLAGS] : [];
  const server = start(`${kind}Server`, 1, ['--expose-gc', ...extra]);
  const load = start('loadGenerator', 0);
  try {
    const { port } = await nextMessage<{ port: number }>(server, (m) => typeof m?.port === 'number');
    await nextMessage(load, (m) => m?.op === 'ready');
    await sleep(300);
    if (process.env.BENCH_HEAP && kind === 'library') console.log(`heap snapshot with no session: ${await heapSnapshot(server, 'empty')}`);
    const empty = await stats(server);
    if (profile === 'connect') await startProfile(server);
    load.send({ op: 'connect', port, n, concurrency: 100 });
    const { times, cpuMicros: loadConnectCpu } = await nextMessage<{ times: number[]; cpuMicros: number }>(load, (m) => m?.op === 'connected');
    if (profile === 'connect') await stopProfile(server, profile, kind);
    const connectedCpu = await cpu(server);
    await sleep(1000);
    const idleStart = await stats(server);
    if (process.env.BENCH_MEMORY) {
      // BENCH_MEMORY=1: where the memory of N idle sessions is, beyond the JS heap's live objects.
      const kib = (key: keyof Stats) => `${(((idleStart[key] ?? 0) - (empty[key] ?? 0)) / n / 1024).toFixed(2)}`;
      console.log(`${kind} N=${n} per session (KiB): rss ${kib('rss')}, heapTotal ${kib('heapTotal')}, heapUsed ${kib('heapUsed')}, external ${kib('external')}, arrayBuffers ${kib('arrayBuffers')}`);
    }
    if (process.env.BENCH_HEAP && kind === 'library') {
      // BENCH_HEAP=dir writes heap snapshots of the server holding no session and N idle sessions
      // there (`npx tsx bench/heapByClass.ts idle empty N` tells them apart by class).
      console.log(`heap snapshot with ${n} idle sessions: ${await heapSnapshot(server, 'idle')}`);
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
    const { rtts, ms } = await nextMessage<{ rtts: number[]; ms: number }>(load, (m) => m?.op === 'ran');
    const busyEnd = await stats(server);
    if (profile === 'commands') await stopProfile(server, profile, kind);
    // The stats call above ends in a full GC (hundreds of ms at 10,000 sessions): let the server
    // settle first, so the paced phase measures a steady load, not the tail of that pause.
    await sleep(1000);
    load.send({ op: 'pace', rate: PACED_RATE, seconds: PACED_SECONDS });
    const paced = await nextMessage<{ rtts: number[] }>(load, (m) => m?.op === 'paced');
    load.send({ op: 'paste', bytes: PASTE_BYTES });
    const pasted = await nextMessage<{ ms: number; ok: boolean }>(load, (m) => m?.op === 'pasted');
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
      // The Python peer has no separate managed heap to report (heapUsed -1): not measured.
      heapPerSessionKiB: idleStart.heapUsed < 0 ? NaN : (idleStart.heapUsed - empty.heapUsed) / n / 1024,
      rssGrowth: idleStart.rss - empty.rss,
      // The stats calls themselves cost a little CPU; it is counted against the server, not hidden.
      idleCpuPercent: ((idleCpuEnd - idleCpuStart) / 3_000_000) * 100,
    };
  } finally {
    await stopBenchChildren(server, load);
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

/** One run's figures per server (a server left out by BENCH_ONLY is absent; the table shows '-'). */
type Row = Record<Kind, Result>;
const median = (values: number[]) => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
/** Each figure the median over the runs; each ratio the median of the runs' own ratios (same-run neighbours). */
function table(runs: Row[]): string {
  const n = runs[0]!.library.n;
  const lines = [`N = ${n} sessions, ${COMMANDS} echo commands each, median of ${runs.length} run(s)${hasTaskset ? ' (server on core 1, load on core 0)' : ''}`];
  const peer = KINDS.includes('twisted');
  lines.push(`${'metric'.padEnd(40)}${'library'.padStart(10)}${'floor'.padStart(10)}${peer ? 'twisted'.padStart(10) : ''}${'lib/floor'.padStart(11)}${peer ? 'lib/twisted'.padStart(13) : ''}`);
  const show = (v: number, digits: number) => (Number.isNaN(v) ? '-' : v.toFixed(digits));
  const ratio = (key: keyof Result, a: Kind, b: Kind) => {
    // A server left out (BENCH_ONLY) has no figures: its cells and ratios show '-'.
    const r = median(runs.map((run) => (!run[a] || !run[b] || run[b][key] === 0 ? NaN : run[a][key] / run[b][key])));
    return Number.isNaN(r) ? '-' : `${r.toFixed(2)}x`;
  };
  for (const [label, key, digits] of ROWS) {
    const value = (kind: Kind) => show(median(runs.map((run) => run[kind]?.[key] ?? NaN)), digits);
    lines.push(
      `${label.padEnd(40)}${value('library').padStart(10)}${value('floor').padStart(10)}${peer ? value('twisted').padStart(10) : ''}` +
        `${ratio(key, 'library', 'floor').padStart(11)}${peer ? ratio(key, 'library', 'twisted').padStart(13) : ''}`,
    );
  }
  return lines.join('\n');
}

async function heapSnapshot(server: ChildProcess, name: string): Promise<string> {
  const written = nextMessage<{ heapSnapshot: string }>(server, (m) => typeof m?.heapSnapshot === 'string');
  server.send({ heapSnapshot: name });
  return (await written).heapSnapshot;
}

async function startProfile(server: ChildProcess): Promise<void> {
  const started = nextMessage(server, (m) => m?.profiling === true);
  server.send('profile-start');
  await started;
}

async function stopProfile(server: ChildProcess, phase: string, kind: Kind): Promise<void> {
  const written = nextMessage<{ profiled: string }>(server, (m) => typeof m?.profiled === 'string');
  server.send({ profileStop: phase });
  console.log(`profile of the ${phase} phase (${kind}): ${(await written).profiled}`);
}

const COLOURS: Record<Kind, [string, string]> = { library: ['#c0392b', 'library'], floor: ['#2c3e50', 'raw net floor'], twisted: ['#27ae60', 'Twisted recvline'] };
function svg(results: Row[]): string {
  const chart = (key: keyof Result, title: string, x0: number) => {
    const values = results.flatMap((r) => KINDS.map((kind) => r[kind][key]));
    const max = Math.max(...values) * 1.1 || 1;
    const px = (i: number) => x0 + 50 + (i * 300) / Math.max(1, results.length - 1);
    const py = (v: number) => 260 - (v / max) * 200;
    const line = (kind: Kind) =>
      `<polyline fill="none" stroke="${COLOURS[kind][0]}" stroke-width="2" points="${results.map((r, i) => `${px(i)},${py(r[kind][key])}`).join(' ')}"/>`;
    const labels = results.map((r, i) => `<text x="${px(i)}" y="280" font-size="11" text-anchor="middle">${r.library.n}</text>`).join('');
    return `<text x="${x0 + 200}" y="30" font-size="14" text-anchor="middle">${title}</text>
<text x="${x0 + 10}" y="60" font-size="11">${max.toFixed(1)}</text><line x1="${x0 + 50}" y1="260" x2="${x0 + 350}" y2="260" stroke="#999"/>
${KINDS.map(line).join('')}${labels}`;
  };
  const legend = KINDS.map((kind, i) => `<text x="${60 + i * 130}" y="310" font-size="12" fill="${COLOURS[kind][0]}">${COLOURS[kind][1]}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="820" height="320" font-family="sans-serif">
<rect width="820" height="320" fill="white"/>
${chart('cpuPerCommandMicros', 'server CPU per command (us) vs N', 0)}
${chart('rssPerSessionKiB', 'RSS per idle session (KiB) vs N', 410)}
${legend}
</svg>\n`;
}

const results: Row[] = [];
for (const n of sizes) {
  const runs: Row[] = [];
  for (let run = 0; run < RUNS; run++) {
    const row = {} as Row;
    for (const kind of KINDS) row[kind] = await measure(kind, n);
    runs.push(row);
    if (RUNS > 1) console.log(`${table([row])}\n`);
  }
  console.log(`${table(runs)}\n`);
  // The chart and the marginal figure take the median of each figure over the runs.
  const medianRow = {} as Row;
  for (const kind of KINDS) {
    medianRow[kind] = Object.fromEntries(Object.keys(runs[0]![kind]).map((key) => [key, median(runs.map((r) => r[kind][key as keyof Result]))])) as unknown as Result;
  }
  results.push(medianRow);
}
// The memory target is marginal: what each session adds between N = 1,000 and the largest N.
const first = results.find((r) => r.library.n === 1000);
const last = results.at(-1);
if (first && last && last.library.n > first.library.n) {
  const marginal = (kind: Kind) => (last[kind].rssGrowth - first[kind].rssGrowth) / (last[kind].n - first[kind].n) / 1024;
  console.log(`marginal RSS per idle session, N = 1000 -> ${last.library.n} (KiB): ${KINDS.map((kind) => `${kind} ${marginal(kind).toFixed(1)}`).join(', ')}`);
}
if (full) {
  writeFileSync(path.join(root, 'bench', 'results.svg'), svg(results));
  console.log('wrote bench/results.svg');
}
