// `npm run bench:massconnect`: K connections from 200 loopback addresses opened at once, then dropped at
// once, against the hostile suite's server (the demo handler, default limits: 32 per address) in a
// process of its own, while a logged-in probe types a key every 50 ms. Prints, per K, the probe's key
// echo p50 / p99 / max during the connects and during the drop, how long a fresh connection from
// 127.0.0.1, made once every flood connection is through its handshake, waited for `Username: `, the
// server's longest loop stall (wall time) and the most CPU one turn of its loop took (a loaded machine
// inflates the first, not the second), and the load average. MASS_K="1000,5000" (default);
// MASS_SRC=/other/src measures another copy of src/.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Target } from '../test/hostile/target.js';
import { KeyProbe, formatKeyFigures } from '../test/hostile/keyProbe.js';
import { Flood } from '../test/hostile/massConnect.js';
import { TelnetTestClient } from '../test/support/telnetClient.js';

const counts = (process.env.MASS_K ?? '1000,5000').split(',').map(Number);
const src = process.env.MASS_SRC;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for the server to be back to `sessions`: how long that took, and the longest loop stall meanwhile. */
async function sessionsBackTo(target: Target, sessions: number, timeoutMs: number): Promise<{ ms: number; loopDelayMaxMs: number; loopCpuMaxMs: number }> {
  const started = performance.now();
  let loopDelayMaxMs = 0;
  let loopCpuMaxMs = 0;
  for (;;) {
    const stats = await target.stats();
    loopDelayMaxMs = Math.max(loopDelayMaxMs, stats.loopDelayMaxMs);
    loopCpuMaxMs = Math.max(loopCpuMaxMs, stats.loopCpuMaxMs);
    if (stats.sessions <= sessions) return { ms: performance.now() - started, loopDelayMaxMs, loopCpuMaxMs };
    if (performance.now() - started > timeoutMs) return { ms: NaN, loopDelayMaxMs, loopCpuMaxMs };
    await sleep(250); // each question runs a full GC in the server: not too often
  }
}

console.log(`mass connect and drop${src ? ` (src: ${src})` : ''}; load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
for (const k of counts) {
  const target = await Target.start({ src });
  const flood = await Flood.start();
  try {
    const probe = await KeyProbe.start(target.port);
    await probe.more(20); // warm
    const { sessions: baseline } = await target.stats(); // also resets the loop-delay maximum
    target.watch();
    probe.reset();

    // Connect: the flood, then at once a fresh client from another address.
    const connected = await flood.open(target.port, k, { timeoutMs: 120_000 });
    // Every flood connection is past its handshake: accepted, or waiting in the server's backlog.
    const freshStarted = performance.now();
    const fresh = TelnetTestClient.connect(target.port).then(async (client) => {
      await client.waitFor('Username: ', { timeoutMs: 120_000 });
      client.close();
      return performance.now() - freshStarted;
    });
    const greeted = await flood.greeted();
    const usernameWait = await fresh;
    const connectFigures = probe.figures();
    const connectStats = await target.stats();
    probe.reset();

    // Drop: every flood connection at once.
    await flood.drop();
    const teardown = await sessionsBackTo(target, baseline, 120_000);
    await probe.more(5);
    const dropFigures = probe.figures();
    await probe.stop();
    console.log(`K = ${k} (${connected} connected, ${greeted} greeted), load ${loadavg()[0]!.toFixed(2)}`);
    console.log(`  connect: ${formatKeyFigures(connectFigures)}; server loop held at most ${connectStats.loopDelayMaxMs.toFixed(0)} ms, ${connectStats.loopCpuMaxMs.toFixed(0)} ms of CPU in one turn`);
    console.log(`  fresh connection's wait for 'Username: ' ${usernameWait.toFixed(0)} ms`);
    console.log(`  drop:    ${formatKeyFigures(dropFigures)}; server loop held at most ${teardown.loopDelayMaxMs.toFixed(0)} ms, ${teardown.loopCpuMaxMs.toFixed(0)} ms of CPU in one turn; all gone after ${teardown.ms.toFixed(0)} ms`);
  } finally {
    flood.stop();
    await target.stop();
  }
}
