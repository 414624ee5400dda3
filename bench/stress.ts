// `npm run stress`: the attacks of issue #12 (items 5 to 8) at full size against the demo in a process
// of its own, with a probe session echoing every 20 ms. Prints one row per attack: the probe's round
// trips and the server's RSS before / peak / after. STRESS_SRC=/path/to/src measures another copy of
// the code (the code before a change); STRESS_ONLY=name runs one attack.
import { Target, RssSampler } from '../test/hostile/target.js';
import { Probe } from '../test/hostile/probe.js';
import { anonymousFlood, burstThenReset, pasteLines, randomInput, timerFlood } from '../test/hostile/attacks.js';

const MiB = 1024 * 1024;
const src = process.env.STRESS_SRC;
const only = process.env.STRESS_ONLY;

interface Attack {
  name: string;
  nofile?: number;
  server?: Record<string, unknown>;
  run(target: Target): Promise<string>;
}

const attacks: Attack[] = [
  { name: 'random-1MiB', run: async (t) => (await randomInput(t.port, MiB), '') },
  { name: 'paste-4x4MiB', run: async (t) => (await pasteLines(t.port, 4, 4 * MiB), '') },
  {
    name: 'timer-1300x100KB',
    run: async (t) => {
      await timerFlood(t.port, 1300, 100_000);
      return '';
    },
  },
  {
    name: 'burst-4MiB-reset',
    run: async (t) => {
      const cpu = await burstThenReset(t.port, 4 * MiB, async () => (await t.stats()).cpuMicros);
      return `server CPU in the 1 s after the reset: ${(cpu / 1000).toFixed(0)} ms`;
    },
  },
  {
    name: 'anon-1200-at-nofile-1024',
    nofile: 1024,
    run: async (t) => {
      const { clients, refused } = await anonymousFlood(t.port, 1200, /Too many|[Rr]efused/);
      const prompted = clients.filter((c) => /Username: $/.test(c.tail)).length;
      const silent = clients.length - prompted - refused;
      for (const client of clients) client.close();
      const log = (await t.log()).filter((line) => /refus|Too many|EMFILE|ENFILE|descriptor/i.test(line));
      return `${prompted} prompted, ${refused} refused with a line, ${silent} closed or left silent; ${log.length} log lines about it`;
    },
  },
];

const rows: string[] = [];
const mb = (bytes: number) => (bytes / MiB).toFixed(0).padStart(5);
for (const attack of attacks) {
  if (only && !attack.name.includes(only)) continue;
  const target = await Target.start({ src, nofile: attack.nofile, server: attack.server });
  let row: string;
  try {
    const probe = await Probe.start(target.port);
    await new Promise((resolve) => setTimeout(resolve, 300));
    probe.reset();
    await target.stats(); // starts the loop-delay measure from here
    const rss = new RssSampler(target.pid);
    let note = '';
    let failure = '';
    try {
      note = await attack.run(target);
    } catch (error) {
      failure = `attack failed: ${(error as Error).message.slice(0, 200)}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    let figures = 'probe failed';
    try {
      const trips = await probe.stop();
      figures = `${trips.p50.toFixed(1).padStart(7)} ${trips.max.toFixed(1).padStart(8)}`;
    } catch (error) {
      figures = `probe failed: ${(error as Error).message.slice(0, 120)}`;
    }
    const memory = rss.stop();
    let held = '';
    try {
      held = `loop held ${(await target.stats()).loopDelayMaxMs.toFixed(0)} ms;`;
    } catch {
      held = target.alive ? 'server did not answer in 30 s;' : '';
    }
    const alive = target.alive ? '' : ' SERVER DIED';
    row = `${attack.name.padEnd(26)} ${figures}   ${mb(memory.before)} ${mb(memory.peak)} ${mb(memory.after)}${alive} ${held} ${note} ${failure}`;
  } finally {
    await target.stop().catch(() => {});
  }
  rows.push(row);
  console.log(row);
}
console.log(`\n${src ? `src: ${src}\n` : ''}${'attack'.padEnd(26)} p50 ms   max ms   RSS MB before peak after\n${rows.join('\n')}`);
