// Session start-up and teardown a few milliseconds a turn (src/transports/turnQueue.ts): the queue's
// bound, round-robin by address, the budget per turn, cancellation, and the process budget it shares
// with the input pacer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TurnQueue } from '../../src/transports/turnQueue.js';
import { chargeProcessWork, nextTurn, processWorkMs, PROCESS_INPUT_MS_PER_TURN } from '../../src/transports/inputPacer.js';

function burn(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** A queue whose turn budget is already spent, so what is added now waits. */
async function busyQueue(options: ConstructorParameters<typeof TurnQueue>[0]): Promise<TurnQueue> {
  await nextTurn();
  const queue = new TurnQueue(options);
  // Longer than its own budget and the process's: what comes next in this turn waits.
  assert.is(queue.add('x', () => burn(PROCESS_INPUT_MS_PER_TURN + 1)), null, 'nothing waits and the turn has room: it ran at once');
  return queue;
}

test('the queue at its bound takes the job; one past it is refused, and takes jobs again once it drains', async () => {
  const ran: number[] = [];
  const queue = await busyQueue({ limit: 3, msPerTurn: 1 });
  for (let i = 1; i <= 3; i++) assert.ok(queue.add('a', () => ran.push(i)), `job ${i} waits`);
  assert.is(queue.size, 3);
  assert.ok(queue.full, 'at its bound');
  assert.is(queue.add('b', () => ran.push(4)), false, 'one past the bound is refused');
  assert.is(queue.add('c', () => ran.push(5)), false, 'and the next one too');
  assert.equal(ran, [], 'nothing waiting ran in the turn that was spent');
  for (let turns = 0; queue.size > 0 && turns < 20; turns++) await nextTurn();
  assert.equal(ran, [1, 2, 3], 'the refused ones never run; the others in order');
  assert.not.ok(queue.full);
  assert.is(queue.add('a', () => ran.push(6)), null, 'drained: a new job runs at once again');
  assert.equal(ran, [1, 2, 3, 6]);
});

test('jobs are taken round-robin by key, in order within a key: one burst does not hold up another address', async () => {
  const ran: string[] = [];
  const queue = await busyQueue({ msPerTurn: 1000 });
  for (let i = 1; i <= 4; i++) queue.add('flood', () => ran.push(`flood${i}`));
  queue.add('fresh', () => ran.push('fresh'));
  queue.add('other', () => ran.push('other1'));
  queue.add('other', () => ran.push('other2'));
  await nextTurn();
  await nextTurn();
  assert.equal(ran, ['flood1', 'fresh', 'other1', 'flood2', 'other2', 'flood3', 'flood4']);
});

test('at most msPerTurn of jobs a turn, and always one: a job longer than the budget still moves on', async () => {
  const perTurn: number[] = [];
  let turnRan = 0;
  const queue = await busyQueue({ msPerTurn: 2 });
  for (let i = 0; i < 12; i++) queue.add('a', () => (burn(1), turnRan++));
  for (let turns = 0; queue.size > 0 && turns < 50; turns++) {
    turnRan = 0;
    await nextTurn();
    perTurn.push(turnRan);
  }
  assert.is(queue.size, 0);
  const busy = perTurn.filter((n) => n > 0);
  assert.ok(busy.every((n) => n >= 1 && n <= 3), `1 ms jobs, 2 ms a turn: ${perTurn}`);
  assert.ok(busy.length >= 4, `spread over turns: ${perTurn}`);

  const slow = await busyQueue({ msPerTurn: 1 });
  let slowRan = 0;
  for (let i = 0; i < 3; i++) slow.add('a', () => (burn(5), slowRan++));
  await nextTurn();
  assert.is(slowRan, 1, 'one job a turn when one job takes the whole budget');
  await nextTurn();
  assert.is(slowRan, 2, 'and one in the next turn too');
});

test("its jobs count against the process's input budget, and a spent process budget holds it to one a turn", async () => {
  await nextTurn();
  const queue = new TurnQueue({ msPerTurn: 100 });
  const before = processWorkMs();
  queue.add('a', () => burn(3));
  assert.ok(processWorkMs() - before >= 3, `the job's time is counted: ${processWorkMs() - before}`);

  // A turn whose input (other connections') took the whole process budget: one job, the rest wait.
  await nextTurn();
  const held = new TurnQueue({ msPerTurn: 100 });
  chargeProcessWork(PROCESS_INPUT_MS_PER_TURN);
  let ran = 0;
  for (let i = 0; i < 5; i++) held.add('a', () => ran++);
  assert.is(ran, 1, 'one job still runs: it moves on');
  assert.is(held.size, 4, 'the rest wait for a turn with room');
  await nextTurn();
  await nextTurn();
  assert.is(ran, 5, 'and run in the next turn');
});

test('a cancelled job never runs; cancelling one that ran, or twice, says false', async () => {
  const ran: string[] = [];
  const queue = await busyQueue({});
  const first = queue.add('a', () => ran.push('first'));
  const second = queue.add('a', () => ran.push('second'));
  assert.ok(first && second);
  assert.ok(queue.cancel(first), 'taken out');
  assert.not.ok(queue.cancel(first), 'not twice');
  assert.is(queue.size, 1);
  for (let turns = 0; queue.size > 0 && turns < 20; turns++) await nextTurn();
  assert.equal(ran, ['second']);
  assert.not.ok(queue.cancel(second), 'it ran: nothing to take out');
});

test('a job that throws is reported and the rest still run', async () => {
  const failures: unknown[] = [];
  const ran: number[] = [];
  const queue = await busyQueue({ failed: (err) => failures.push(err) });
  queue.add('a', () => {
    throw new Error('boom');
  });
  queue.add('a', () => ran.push(2));
  for (let turns = 0; queue.size > 0 && turns < 20; turns++) await nextTurn();
  assert.equal(ran, [2]);
  assert.is((failures[0] as Error).message, 'boom');
});

test.run();
