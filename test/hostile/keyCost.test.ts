// Keys that each cost O(line) must not stall other sessions: a client floods "b" + Backspace at the
// end of a 100 Ki line (and Tab with 4,095 characters before the cursor, just under the completion
// cap), in 64 KiB writes, while another session types a key every 50 ms and times its echo. Before the
// budget was asked between keys (it was asked between 2 KiB slices: a thousand such keys at once) and
// Backspace at the end copied the whole line, the probe waited 1.4-5.6 s and the server's RSS passed
// 1 GB; now each stop comes within the turn's budget. The server runs in a process of its own, so its
// RSS is its own.
//
// KEY_COST_SERVER=<path of a hostileServer.ts> runs the same floods against another checkout (the
// "before" figures).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Attacker } from './attacker.js';
import { KeyProbe, formatKeyFigures } from './keyProbe.js';
import { Target, type ServerStats } from './target.js';

const SERVER = process.env.KEY_COST_SERVER ?? fileURLToPath(new URL('../support/hostileServer.ts', import.meta.url));
/** How long the flood goes on (ms). */
const FLOOD_MS = Number(process.env.KEY_COST_FLOOD_MS ?? 4000);
/**
 * The slowest probe echo allowed during a flood: far above what this machine shows now under load
 * (100-150 ms at load 12 on 2 cores), far below what one flooding client made it wait before (1.4-5.6 s).
 */
const MAX_ECHO_MS = Number(process.env.KEY_COST_BOUND_MS ?? 1000);
/** The median echo: single milliseconds now; 500-1,900 ms before (Tab: 200 ms with letters, on a quiet machine). */
const MAX_MEDIAN_MS = Number(process.env.KEY_COST_MEDIAN_MS ?? 150);
const MiB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MiB).toFixed(0)} MB`;


async function floodCase(name: string, setup: string, unit: string): Promise<void> {
  const target = await Target.start<ServerStats>({ script: SERVER, startTimeoutMs: 60_000 });
  let probe: KeyProbe | null = null;
  let flooder: Attacker | null = null;
  try {
    const before = await target.stats();
    probe = await KeyProbe.start(target.port, { name: 'keyprobe', prompt: 'Target> ', answerTimeoutMs: 60_000 });
    await probe.more(5);
    flooder = await Attacker.connect(target.port);
    await flooder.waitFor(/Username: $/, 30_000);
    flooder.socket.write('flooder\r');
    await flooder.waitFor(/Target> $/, 30_000);
    flooder.socket.write(setup);
    // The setup line is in (the row drawn up to its end) before the flood and the probe's timing start.
    await new Promise((resolve) => setTimeout(resolve, 500));
    probe.reset();
    const sent = await flooder.flood(unit, FLOOD_MS);
    await probe.more(3);
    const figures = await probe.stop();
    probe = null;
    const peak = target.peakRss();
    flooder.close();
    flooder = null;
    const after = await target.stats();
    console.log(`  ${name}: ${(sent / 1024).toFixed(0)} KiB of keys sent; probe ${formatKeyFigures(figures)}; server RSS before ${mb(before.rss)} / peak ${mb(peak)} / after ${mb(after.rss)}; load ${os.loadavg()[0]!.toFixed(1)}`);
    assert.is(after.crashes, 0, 'no unhandled exception or rejection in the server');
    assert.ok(figures.count >= 10, `the probe typed during the flood (${figures.count} keys)`);
    assert.ok(figures.p50 < MAX_MEDIAN_MS, `the probe's median echo took ${figures.p50.toFixed(0)} ms (bound ${MAX_MEDIAN_MS} ms)`);
    assert.ok(figures.max < MAX_ECHO_MS, `the probe waited ${figures.max.toFixed(0)} ms for an echo (bound ${MAX_ECHO_MS} ms)`);
    assert.ok(peak < before.rss + 256 * MiB, `RSS peaked at ${mb(peak)}, from ${mb(before.rss)}`);
  } finally {
    flooder?.close();
    await probe?.stop().catch(() => {});
    await target.stop();
  }
}

test('b + Backspace flooded at the end of a 100 Ki line: the probe echoes within the bound, RSS bounded', async () => {
  await floodCase('100 Ki line + b/Backspace', 'a'.repeat(100 * 1024), 'b\x7f');
});

test('Tab flooded with 4,095 backslashes before the cursor: the probe echoes within the bound', async () => {
  await floodCase('4,095 \\ + Tab', '\\'.repeat(4095), '\t');
});

test.run();
