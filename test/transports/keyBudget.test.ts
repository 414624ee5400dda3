// The budget asked between keys: `inputBudgetSpent` times the piece of input running now (a pacer's
// slice, or keys resumed by `runAsInput`) against the connection's msPerTurn and the process budget;
// a consumer that stopped part-way holds the pacer (nothing more handed on, the source paused) until
// it releases it, and then input goes on, in order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InputPacer, inputBudgetSpent, nextTurn, PIECE_MIN_MS, PROCESS_INPUT_MS_PER_TURN, processWorkMs, runAsInput } from '../../src/transports/inputPacer.js';

function burn(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** A turn of its own: the turn counter moves only when someone asked in the turn before. */
async function freshTurn(): Promise<void> {
  processWorkMs();
  await nextTurn();
}

function source() {
  const calls: string[] = [];
  return { calls, pause: () => calls.push('pause'), resume: () => calls.push('resume') };
}

test('outside any piece of input the budget is never spent (nothing times it)', async () => {
  await nextTurn();
  burn(PROCESS_INPUT_MS_PER_TURN + 1);
  assert.not.ok(inputBudgetSpent());
});

/**
 * Runs a timing scenario until one run is free of the machine's hiccups (a loaded machine can stall a
 * process for milliseconds between two asks, and only ever makes a budget look more spent): it passes
 * when one of `attempts` runs shows exactly what is expected. Wrong code shows it in none.
 */
/** More than this late on a short burn: the machine stalled the test, and the run is tried again. */
const HICCUP_MS = 0.3;

async function inSomeRun(attempts: number, scenario: () => Promise<unknown>, expected: unknown): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < attempts; i++) {
    const got = JSON.stringify(await scenario());
    if (got === JSON.stringify(expected)) return;
    seen.push(got);
  }
  assert.unreachable(`expected ${JSON.stringify(expected)}, saw ${seen.join(' ')}`);
}

test("inside a slice: spent once the connection's msPerTurn is, counting its earlier slices this turn", async () => {
  await inSomeRun(8, async () => {
    const seen: boolean[][] = [];
    let burnMs = 1;
    let hiccup = false;
    const pacer = new InputPacer(source(), () => {
      const entered = performance.now();
      const asks = [inputBudgetSpent()];
      burn(burnMs);
      asks.push(inputBudgetSpent());
      // A run in which the machine stalled us is no proof either way: tried again.
      if (performance.now() - entered > burnMs + HICCUP_MS) hiccup = true;
      seen.push(asks);
      burnMs = 2.2;
    }, { bytesPerTurn: 1 << 20, msPerTurn: 3 });
    await freshTurn();
    pacer.push(Buffer.alloc(2048 * 2));
    pacer.stop();
    return hiccup ? 'hiccup' : seen;
    // The first slice: fresh, then 1 of 3 ms. The second: 1 ms before it, so spent after its own 2.2
    // (alone, 2.2 ms would not be; nor is the process budget, 4 ms, at 3.2).
  }, [[false, false], [false, true]]);
});

test(`inside a slice: the process budget (${PROCESS_INPUT_MS_PER_TURN} ms) stops it, but only after ${PIECE_MIN_MS} ms of its own`, async () => {
  await inSomeRun(8, async () => {
    let at: { start: boolean; long: boolean; processSpent: boolean } | null = null;
    const pacer = new InputPacer(source(), () => {
      const start = inputBudgetSpent();
      burn(PIECE_MIN_MS);
      at = { start, long: inputBudgetSpent(), processSpent: processWorkMs() >= PROCESS_INPUT_MS_PER_TURN };
    }, { bytesPerTurn: 1 << 20, msPerTurn: 1000 });
    await freshTurn();
    // Others' work spent the process budget this turn.
    runAsInput(1000, () => burn(PROCESS_INPUT_MS_PER_TURN + 0.5), null);
    pacer.push(Buffer.from('x'));
    return at;
  }, { start: false, long: true, processSpent: true });
});

test('runAsInput: timed as a piece of its own, its time counted against the process budget; inside a piece it just runs', async () => {
  await inSomeRun(8, async () => {
    await freshTurn();
    const before = processWorkMs();
    const asks: boolean[] = [];
    const entered = performance.now();
    runAsInput(1, () => {
      asks.push(inputBudgetSpent());
      burn(0.8);
      asks.push(inputBudgetSpent());
      burn(0.4);
      asks.push(inputBudgetSpent());
      // Nested: the outer piece goes on timing (no second count, no fresh piece).
      runAsInput(1000, () => asks.push(inputBudgetSpent()), null);
    }, null);
    if (performance.now() - entered > 1.2 + HICCUP_MS) return 'hiccup';
    const counted = processWorkMs() - before;
    return { asks, countedOnce: counted >= 1.2 && counted < 2.4, after: inputBudgetSpent() };
  }, { asks: [false, false, true, true], countedOnce: true, after: false });
});

test('hold: nothing more is handed on and the source stays paused until release; then the rest, in order, next turn', async () => {
  const src = source();
  const got: string[] = [];
  let holdNext = true;
  const pacer = new InputPacer(src, (chunk) => {
    got.push(chunk.toString());
    if (holdNext) {
      holdNext = false;
      pacer.hold();
    }
  }, { bytesPerTurn: 1 << 20, msPerTurn: 1000 });
  await nextTurn();
  pacer.push(Buffer.from('one'));
  assert.equal(got, ['one']);
  assert.equal(src.calls, ['pause'], 'held: the source is paused at once');
  pacer.push(Buffer.from('two'));
  await nextTurn();
  await nextTurn();
  assert.equal(got, ['one'], 'nothing handed on while held, whatever the turns');
  assert.is(pacer.queued, 3);
  pacer.release();
  assert.equal(got, ['one'], 'not in the turn of the release');
  await nextTurn();
  assert.equal(got, ['one', 'two']);
  assert.equal(src.calls, ['pause', 'resume']);
  pacer.release();
  pacer.push(Buffer.from('three'));
  assert.equal(got, ['one', 'two', 'three'], 'a second release changes nothing');
});

test('hold with nothing queued: the end waits for the release, behind what the consumer holds', async () => {
  const src = source();
  const got: string[] = [];
  const pacer = new InputPacer(src, (chunk) => {
    if (got.push(chunk.toString()) === 1) pacer.hold();
  }, { bytesPerTurn: 1 << 20, msPerTurn: 1000 });
  await nextTurn();
  pacer.push(Buffer.from('x'));
  let ended = false;
  pacer.end(() => (ended = true));
  await nextTurn();
  assert.not.ok(ended, 'the queue is empty, but the consumer holds input of its own');
  pacer.release();
  await nextTurn();
  assert.ok(ended);
  assert.equal(got, ['x']);
});

test.run();
