// F3: one client opening or dropping many connections at once must not stall every other session.
// 1,500 connections from 200 loopback addresses (within the 32 per address) are opened at once and,
// once every one has heard from its session, dropped at once, against a server in its own process
// while a logged-in session types a key every 50 ms. Session start-up and teardown go a few
// milliseconds a turn (src/transports/turnQueue.ts); before, each close ran its whole teardown in the
// poll phase, up to a thousand at once (about 0.6 ms each: a turn of 600 ms of CPU).
// What is checked: the most CPU the server spent in one turn of its loop (CPU time, so a loaded
// machine taking the CPU away does not count), the typing session's slowest echo (wall time, so a
// generous bound), every flood session gone afterwards, and a new client served.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Target } from './target.js';
import { KeyProbe, formatKeyFigures } from './keyProbe.js';
import { Flood } from './massConnect.js';
import { login } from '../support/telnetClient.js';

const K = 1500;
/** CPU in one turn: before the change a drop took 400-900 ms here; after it, under 150 ms. */
const TURN_CPU_BOUND_MS = 300;
/** The typing session's slowest echo: wall time on a loaded 2-core machine, so generous. */
const ECHO_BOUND_MS = 5000;

async function settled(target: Target, baseline: { sessions: number; connections?: number }, timeoutMs: number): Promise<number> {
  const started = Date.now();
  let worst = 0;
  for (;;) {
    const stats = await target.stats();
    worst = Math.max(worst, stats.loopCpuMaxMs);
    if (stats.sessions === baseline.sessions && stats.connections === baseline.connections) return worst;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`still open after ${timeoutMs} ms: ${stats.sessions - baseline.sessions} sessions, ${(stats.connections ?? 0) - (baseline.connections ?? 0)} connections`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250)); // each question runs a full GC in the server
  }
}

test(`${K} connections from 200 addresses opened and dropped at once: no turn of the server's loop holds it long, a typing session's keys are echoed, every session is gone after`, async () => {
  const target = await Target.start();
  const flood = await Flood.start();
  try {
    const probe = await KeyProbe.start(target.port, { answerTimeoutMs: 30_000 });
    await probe.more(5);
    const baseline = await target.stats();
    target.watch();
    probe.reset();

    assert.is(await flood.open(target.port, K, { timeoutMs: 90_000 }), K, 'every connection made');
    assert.is(await flood.greeted(), K, 'every connection heard from its session (none refused, none lost)');
    const connects = await target.stats();
    assert.is(connects.connections, (baseline.connections ?? 0) + K, 'each counted once');
    const connectEcho = probe.figures();

    probe.reset();
    await flood.drop();
    const dropCpu = await settled(target, baseline, 120_000);
    await probe.more(3);
    const echo = await probe.stop();

    console.log(
      `    connects: most CPU in one turn ${connects.loopCpuMaxMs.toFixed(0)} ms, ${formatKeyFigures(connectEcho)}\n` +
        `    drop:     most CPU in one turn ${dropCpu.toFixed(0)} ms, ${formatKeyFigures(echo)}`,
    );
    assert.ok(connects.loopCpuMaxMs < TURN_CPU_BOUND_MS, `connects: a turn took ${connects.loopCpuMaxMs.toFixed(0)} ms of CPU`);
    assert.ok(dropCpu < TURN_CPU_BOUND_MS, `drop: a turn took ${dropCpu.toFixed(0)} ms of CPU`);
    assert.ok(connectEcho.max < ECHO_BOUND_MS && echo.max < ECHO_BOUND_MS, `slowest echo: connects ${connectEcho.max.toFixed(0)} ms, drop ${echo.max.toFixed(0)} ms`);

    // Every flood session has gone (settled) and the server serves a new client as before.
    const after = await login(target.port, 'after', { prompt: 'TestServer> ' });
    after.close();
    assert.is((await target.stats()).crashes, 0);
  } finally {
    flood.stop();
    await target.stop();
  }
});

test.run();
