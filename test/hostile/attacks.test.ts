// The attacks of #12 items 5, 7 and 8 at small sizes against the demo in its own process, a probe
// echoing every 20 ms beside them. Each asserts the server survives, its RSS ends within a bound and
// the probe's slowest round trip stays under a bound generous enough for a loaded 2-core machine; the
// figures are printed. `npm run stress` runs the issue's full sizes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Target, RssSampler } from './target.js';
import { Probe, formatRoundTrips } from './probe.js';
import { burstThenReset, pasteLines, randomInput, timerFlood } from './attacks.js';

const MiB = 1024 * 1024;
/**
 * Generous for `npm test` on a shared 2-core machine (load averages of 10 were seen while seven test
 * suites ran at once, and a process then waits hundreds of ms for a core); before the pacing these
 * attacks held the loop for 3 to 28 s. `npm run stress` prints the real figures.
 */
const PROBE_MAX_MS = 1000;
const RSS_GROWTH_MAX = 96 * MiB;

let target: Target;
const figures: string[] = [];

test.before(async () => {
  target = await Target.start();
});

test.after(async () => {
  await target.stop();
  console.log(`\nhostile attacks (probe every 20 ms; server RSS before / peak / after):\n${figures.join('\n')}`);
});

async function attack(name: string, run: () => Promise<string | void>): Promise<void> {
  const probe = await Probe.start(target.port, { name: `probe-${name}` });
  await new Promise((resolve) => setTimeout(resolve, 100));
  probe.reset();
  const rss = new RssSampler(target.pid);
  const note = await run();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const trips = await probe.stop();
  const memory = rss.stop();
  const after = await target.stats(); // after a full GC
  figures.push(
    `${name.padEnd(22)} ${formatRoundTrips(trips)}; RSS ${(memory.before / MiB).toFixed(0)} / ${(memory.peak / MiB).toFixed(0)} / ` +
      `${(memory.after / MiB).toFixed(0)} MiB${note ? `; ${note}` : ''}`,
  );
  assert.ok(target.alive, 'the server survives');
  assert.is(after.crashes, 0, 'no unhandled rejection or exception');
  assert.ok(trips.count >= 3, `the probe kept answering (${trips.count} round trips)`);
  assert.ok(trips.max < PROBE_MAX_MS, `${name}: probe max ${trips.max.toFixed(0)} ms under ${PROBE_MAX_MS} ms`);
  assert.ok(after.rss - memory.before < RSS_GROWTH_MAX, `${name}: RSS within 96 MiB of the start (${figures.at(-1)})`);
}

test('item 7: 256 KiB of random bytes at the Username prompt', async () => {
  await attack('random 256 KiB', () => randomInput(target.port, 256 * 1024));
});

test('item 7: four clients paste a 1 MiB line each at once', async () => {
  await attack('paste 4 x 1 MiB', () => pasteLines(target.port, 4, MiB));
});

test('item 5: 40 x timer 999 <100 KB message>: refused by the demo caps, memory flat', async () => {
  await attack('timer 40 x 100 KB', () => timerFlood(target.port, 40, 100_000));
});

test('item 8: 1 MiB of commands, then a reset: the server stops working on them', async () => {
  await attack('burst 1 MiB + reset', async () => {
    const cpuMicros = await burstThenReset(target.port, MiB, async () => (await target.stats()).cpuMicros, 500);
    // The stats questions themselves (two full GCs) cost some; the commands of 1 MiB would cost seconds.
    assert.ok(cpuMicros < 300_000, `server CPU after the reset: ${(cpuMicros / 1000).toFixed(0)} ms`);
    return `server CPU in the 500 ms after the reset ${(cpuMicros / 1000).toFixed(0)} ms`;
  });
});

test.run();
