// Memory of idle sessions, quickly: N sessions log in (100 at once, the load generator of `npm run
// bench`), then the server's memory is read after the burst and after BENCH_IDLE_S seconds idle
// (default 10), each read once as V8 left it and once after a full GC: RSS, V8's committed heap and
// its live part, by heap space. Beside the raw net floor in the same run. `npm run bench` remains
// the measure of record; this is for trying a change in a minute.
//   npx tsx bench/memory.ts                  N = 1,000 and 10,000, library and floor
//   BENCH_N=1000 BENCH_ONLY=library BENCH_SERVER_FLAGS=--trace-gc BENCH_HEAP=dir npx tsx bench/memory.ts
//   BENCH_PROMOTED=dir: a sampling heap profile of what reached the old generation while connecting,
//   and the young objects a full collection swept (V8 cannot tell those apart here);
//   `npx tsx bench/heapProfileSites.ts file N` sums it by allocation site
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import path from 'node:path';
import { buildBenchEntries } from './buildServers.js';
import { nextMessage, stopBenchChildren } from './nextMessage.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const sizes = (process.env.BENCH_N ?? '1000,10000').split(',').map(Number);
const idleSeconds = Number(process.env.BENCH_IDLE_S ?? 10);
const kinds = (process.env.BENCH_ONLY ?? 'library,floor').split(',');
const hasTaskset = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).stdout.trim() !== '';
const built = path.join(root, 'bench', '.build', 'memory');

// Compiled as users run the package (see buildServers.ts).
await buildBenchEntries(root, ['memoryServer', 'floorServer', 'loadGenerator'], built);

function start(file: string, core: number, flags: string[]): ChildProcess {
  const pin = hasTaskset ? `taskset -c ${core} ` : '';
  const command = `ulimit -n 65536 2>/dev/null || ulimit -n 16384 2>/dev/null; exec ${pin}"${process.execPath}" ${flags.join(' ')} ${path.join(built, `${file}.mjs`)}`;
  return spawn('sh', ['-c', command], { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Reading {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  spaces: Record<string, { committed: number; used: number }> | null;
}

/** The floor answers the bench's 'stats' (always after a full GC, no spaces); the library server more. */
async function read(server: ChildProcess, kind: string, gc: boolean): Promise<Reading> {
  if (kind === 'floor') {
    const answer = nextMessage<{ rss: number; heapTotal: number; heapUsed: number }>(server, (m) => typeof m?.rss === 'number');
    server.send('stats');
    const { rss, heapTotal, heapUsed } = await answer;
    return { rss, heapTotal, heapUsed, spaces: null };
  }
  const answer = nextMessage<{ memory: NodeJS.MemoryUsage; spaces: Reading['spaces'] }>(server, (m) => m?.op === 'memory');
  server.send({ op: 'memory', gc });
  const { memory, spaces } = await answer;
  return { rss: memory.rss, heapTotal: memory.heapTotal, heapUsed: memory.heapUsed, spaces };
}

const kib = (bytes: number, n: number) => (bytes / n / 1024).toFixed(2).padStart(7);
function line(label: string, reading: Reading, empty: Reading, n: number): string {
  let text = `  ${label.padEnd(22)} rss ${kib(reading.rss - empty.rss, n)}  committed ${kib(reading.heapTotal - empty.heapTotal, n)}  live ${kib(reading.heapUsed - empty.heapUsed, n)}`;
  if (reading.spaces && empty.spaces) {
    const parts = Object.entries(reading.spaces)
      .map(([name, s]) => {
        const e = empty.spaces![name] ?? { committed: 0, used: 0 };
        return `${name.replace('_space', '')} ${kib(s.committed - e.committed, n).trim()}/${kib(s.used - e.used, n).trim()}`;
      })
      .filter((part) => !/ 0\.00\/0\.00$/.test(part));
    text += `\n      spaces (committed/used KiB per session): ${parts.join(', ')}`;
  }
  return text;
}

const growth: Record<string, Array<{ n: number; rss: number; committed: number; live: number; idleRss: number }>> = {};
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const n of sizes) {
  for (const kind of kinds) {
    const flags = ['--expose-gc', ...(kind === 'library' && process.env.BENCH_SERVER_FLAGS ? process.env.BENCH_SERVER_FLAGS.split(' ') : [])];
    const server = start(kind === 'library' ? 'memoryServer' : 'floorServer', 1, flags);
    const load = start('loadGenerator', 0, []);
    try {
      const { port } = await nextMessage<{ port: number }>(server, (m) => typeof m?.port === 'number');
      await nextMessage(load, (m) => m?.op === 'ready');
      await sleep(300);
      const empty = await read(server, kind, true);
      if (process.env.BENCH_HEAP && kind === 'library') {
        const written = nextMessage<{ file: string }>(server, (m) => m?.op === 'snapshot');
        server.send({ op: 'snapshot', name: 'empty' });
        console.log(`  snapshot ${(await written).file}`);
      }
      const promoted = process.env.BENCH_PROMOTED && kind === 'library';
      if (promoted) {
        const profiling = nextMessage(server, (m) => m?.op === 'profiling');
        server.send({ op: 'profile-start' });
        await profiling;
      }
      const started = performance.now();
      load.send({ op: 'connect', port, n, concurrency: 100 });
      await nextMessage(load, (m) => m?.op === 'connected');
      const connectMs = performance.now() - started;
      if (promoted) {
        // Stopped after a full GC, so what it collected from the old generation is counted too.
        await read(server, kind, true);
        const profiled = nextMessage<{ file: string }>(server, (m) => m?.op === 'profiled');
        server.send({ op: 'profile-stop' });
        console.log(`  profile of what reached the old generation while connecting: ${(await profiled).file}`);
      }
      await sleep(1000);
      const burst = kind === 'library' ? await read(server, kind, false) : null;
      const burstGc = await read(server, kind, true);
      await sleep(idleSeconds * 1000);
      const idle = kind === 'library' ? await read(server, kind, false) : null;
      const idleGc = await read(server, kind, true);
      console.log(`${kind} N=${n} (connected in ${connectMs.toFixed(0)} ms), per session in KiB over the empty server:`);
      if (burst) console.log(line('after the burst', burst, empty, n));
      console.log(line('after the burst + gc', burstGc, empty, n));
      if (idle) console.log(line(`after ${idleSeconds} s idle`, idle, empty, n));
      console.log(line(`after ${idleSeconds} s idle + gc`, idleGc, empty, n));
      (growth[kind] ??= []).push({ n, rss: burstGc.rss - empty.rss, committed: burstGc.heapTotal - empty.heapTotal, live: burstGc.heapUsed - empty.heapUsed, idleRss: idleGc.rss - empty.rss });
      if (process.env.BENCH_HEAP && kind === 'library') {
        const written = nextMessage<{ file: string }>(server, (m) => m?.op === 'snapshot');
        server.send({ op: 'snapshot', name: 'idle' });
        console.log(`  snapshot ${(await written).file}`);
      }
    } finally {
      await stopBenchChildren(server, load);
    }
  }
}
for (const [kind, rows] of Object.entries(growth)) {
  if (rows.length < 2) continue;
  const [a, b] = [rows[0]!, rows.at(-1)!];
  const per = (key: 'rss' | 'committed' | 'live' | 'idleRss') => ((b[key] - a[key]) / (b.n - a.n) / 1024).toFixed(2);
  console.log(`${kind} marginal per session N = ${a.n} -> ${b.n} (KiB): rss ${per('rss')} (after idle ${per('idleRss')}), committed ${per('committed')}, live ${per('live')}`);
}
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
