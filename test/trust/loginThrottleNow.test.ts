// The throttle's synchronous path: an attempt with nothing ahead and no delay due is checked at once
// (no promise, no turn of the microtask queue); one behind another attempt or a penalty still waits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LoginThrottle, checkNowOrInTurn, LoginThrottled, type Ticket, type Turn } from '../../src/actors/loginThrottle.js';

function throttleAt() {
  const clock = { now: 1_000_000 };
  const sleepers: Array<{ until: number; resolve: () => void }> = [];
  const throttle = new LoginThrottle({}, () => {}, {
    now: () => clock.now,
    sleep: (ms) => new Promise<void>((resolve) => sleepers.push({ until: clock.now + ms, resolve })),
  });
  const advance = async (ms: number) => {
    clock.now += ms;
    for (const sleeper of sleepers.filter((s) => s.until <= clock.now)) sleeper.resolve();
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  return { throttle, advance };
}

function ticketOf(turn: Turn): Ticket {
  if ('refused' in turn) throw new Error('refused');
  return turn.ticket;
}

test('readyNow: a fresh address yes; an attempt behind another no; after a failure no until the penalty ran out', async () => {
  const { throttle, advance } = throttleAt();
  const first = ticketOf(throttle.enter('10.0.0.1:1'));
  assert.ok(first.readyNow, 'fresh: at once');
  const second = ticketOf(throttle.enter('10.0.0.1:2'));
  assert.not.ok(second.readyNow, 'the first has no answer yet: the second waits its turn');
  first.done(false);
  await advance(0);
  second.done(true);
  assert.ok(throttle.penaltyMs('10.0.0.1:3') > 0);
  assert.not.ok(ticketOf(throttle.enter('10.0.0.1:3')).readyNow, 'a penalty is due: not at once');
});

test('checkNowOrInTurn: a check answering at once is answered at once, passed or refused, and counted', async () => {
  const { throttle } = throttleAt();
  const order: string[] = [];
  const passed = checkNowOrInTurn(throttle, '10.0.0.1:1', () => void order.push('checked'));
  order.push('returned');
  assert.is(passed, undefined, 'no promise');
  assert.equal(order, ['checked', 'returned'], 'checked before it returned');
  assert.is(throttle.size, 0, 'a success from a fresh address leaves nothing behind');
  assert.throws(
    () => checkNowOrInTurn(throttle, '10.0.0.1:2', () => {
      throw new Error('wrong password');
    }),
    /wrong password/,
  );
  assert.ok(throttle.penaltyMs('10.0.0.1:2') > 0, 'the failure slows the address down');
});

test('checkNowOrInTurn: a check returning a promise is answered by it; a client gone before its check fails it', async () => {
  const { throttle } = throttleAt();
  const answer = checkNowOrInTurn(throttle, '10.0.0.1:1', () => Promise.reject(new Error('no')));
  assert.instance(answer, Promise);
  await answer!.then(() => assert.unreachable('refused'), (err: Error) => assert.is(err.message, 'no'));
  assert.ok(throttle.penaltyMs('10.0.0.1:1') > 0, 'an asynchronous refusal counts');
  let checked = false;
  const fresh = '10.0.0.9:1';
  assert.throws(() => checkNowOrInTurn(throttle, fresh, () => void (checked = true), () => true), /left before its login was checked/);
  assert.not.ok(checked, 'nobody to check it for');
});

test('checkNowOrInTurn: behind a penalty the check waits for it (a promise), and runs when it ran out', async () => {
  const { throttle, advance } = throttleAt();
  assert.throws(() => checkNowOrInTurn(throttle, '10.0.0.1:1', () => {
    throw new Error('wrong');
  }));
  let checked = false;
  const answer = checkNowOrInTurn(throttle, '10.0.0.1:2', () => void (checked = true));
  assert.instance(answer, Promise);
  await advance(999);
  assert.not.ok(checked, 'one ms before the penalty ran out');
  await advance(1);
  assert.ok(checked);
  await answer;
});

test('checkNowOrInTurn: while a check of the same address is out, the next waits for its answer', async () => {
  const { throttle, advance } = throttleAt();
  let release!: () => void;
  const slow = checkNowOrInTurn(throttle, '10.0.0.1:1', () => new Promise<void>((resolve) => (release = resolve)));
  let second = false;
  const next = checkNowOrInTurn(throttle, '10.0.0.1:2', () => void (second = true));
  assert.instance(next, Promise);
  await advance(0);
  assert.not.ok(second, 'the first has no answer yet');
  release();
  await slow;
  await advance(0);
  assert.ok(second);
  await next;
});

test('checkNowOrInTurn: refused unchecked when the queue would wait past maxDelayMs', () => {
  const throttle = new LoginThrottle({ baseDelayMs: 1000, maxDelayMs: 1000 }, () => {}, { now: () => 0, sleep: () => new Promise(() => {}) });
  assert.throws(() => checkNowOrInTurn(throttle, '10.0.0.1:1', () => {
    throw new Error('wrong');
  }));
  void checkNowOrInTurn(throttle, '10.0.0.1:2', () => {});
  assert.throws(() => checkNowOrInTurn(throttle, '10.0.0.1:3', () => {}), (err: unknown) => err instanceof LoginThrottled);
});

test.run();
