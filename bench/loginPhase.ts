// The connect-and-login phase alone, for comparing builds on a busy machine: N sessions log in (100
// at once, the load generator of `npm run bench`) on the floor server and on the library server of
// each checkout given, one after the other in every round, so neighbours see the same load. Prints
// server CPU per login (least and median of the rounds) and connect-to-prompt p50, each beside the
// floor's. `npm run bench` remains the measure of record; this is for one change against another.
//   npx tsx bench/loginPhase.ts                       this checkout alone
//   npx tsx bench/loginPhase.ts /tmp/main             also a checkout of main (git archive main | tar -x -C /tmp/main,
//                                                     with node_modules linked): its library server, built from its sources
//   BENCH_N=1000 BENCH_ROUNDS=7 npx tsx bench/loginPhase.ts ...
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import path from 'node:path';
import { buildBenchEntries } from './buildServers.js';
import { nextMessage } from './nextMessage.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const checkouts = [root, ...process.argv.slice(2).map((dir) => path.resolve(dir))];
const n = Number(process.env.BENCH_N ?? 1000);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const hasTaskset = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).stdout.trim() !== '';
const buildDir = (checkout: string) => path.join(checkout, 'bench', '.build', 'loginPhase');

// Compiled as users run the package (see buildServers.ts); the load generator and floor are this checkout's.
for (const checkout of checkouts) await buildBenchEntries(checkout, ['libraryServer', 'floorServer', 'loadGenerator'], buildDir(checkout));

function start(file: string, core: number): ChildProcess {
  const pin = hasTaskset ? `taskset -c ${core} ` : '';
  const command = `ulimit -n 65536 2>/dev/null || ulimit -n 16384 2>/dev/null; exec ${pin}"${process.execPath}" --expose-gc ${file}`;
  return spawn('sh', ['-c', command], { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
}

async function loginPhase(serverFile: string): Promise<{ cpuMicros: number; p50: number }> {
  const server = start(serverFile, 1);
  const load = start(path.join(buildDir(root), 'loadGenerator.mjs'), 0);
  const cpu = async () => {
    const answer = nextMessage<{ cpuOnly: number }>(server, (m) => typeof m?.cpuOnly === 'number');
    server.send('cpu');
    return (await answer).cpuOnly;
  };
  try {
    const { port } = await nextMessage<{ port: number }>(server, (m) => typeof m?.port === 'number');
    await nextMessage(load, (m) => m?.op === 'ready');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = await cpu();
    load.send({ op: 'connect', port, n, concurrency: 100 });
    const { times } = await nextMessage<{ times: number[] }>(load, (m) => m?.op === 'connected');
    const after = await cpu();
    return { cpuMicros: (after - before) / n, p50: median(times) };
  } finally {
    server.kill();
    load.kill();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

const servers = [
  { name: 'floor', file: path.join(buildDir(root), 'floorServer.mjs') },
  ...checkouts.map((checkout) => ({ name: path.relative(process.cwd(), checkout) || '.', file: path.join(buildDir(checkout), 'libraryServer.mjs') })),
];
const results = new Map(servers.map((server) => [server.name, { cpu: [] as number[], p50: [] as number[] }]));
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; N = ${n}, ${rounds} rounds`);
for (let round = 0; round < rounds; round++) {
  for (const server of servers) {
    const { cpuMicros, p50 } = await loginPhase(server.file);
    results.get(server.name)!.cpu.push(cpuMicros);
    results.get(server.name)!.p50.push(p50);
  }
}
const floor = results.get('floor')!;
console.log('server                     CPU per login (us): least  median   x floor (least, median)   connect p50 (ms)   x floor');
for (const [name, { cpu, p50 }] of results) {
  const least = Math.min(...cpu);
  console.log(
    `${name.padEnd(26)} ${least.toFixed(0).padStart(26)} ${median(cpu).toFixed(0).padStart(7)}   ${(least / Math.min(...floor.cpu)).toFixed(2).padStart(6)}x ${(median(cpu) / median(floor.cpu)).toFixed(2).padStart(6)}x ${median(p50).toFixed(1).padStart(20)} ${(median(p50) / median(floor.p50)).toFixed(2).padStart(9)}x`,
  );
}
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.exit(0);
