// The login throttle with a clock and a sleep of its own: queues, delays, refusals, forgetting,
// bounded memory, log lines.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LoginThrottle, addressKey, checkInTurn, LoginThrottled, type Ticket, type Turn } from '../../src/actors/loginThrottle.js';

function throttleAt(options: ConstructorParameters<typeof LoginThrottle>[0] = {}) {
  const clock = { now: 1_000_000 };
  const sleepers: Array<{ until: number; resolve: () => void }> = [];
  const log: string[] = [];
  const throttle = new LoginThrottle(options, (line) => log.push(line), {
    now: () => clock.now,
    sleep: (ms) => new Promise<void>((resolve) => sleepers.push({ until: clock.now + ms, resolve })),
  });
  const flush = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  /** Moves the clock on, wakes the sleepers whose time came, lets promises run. */
  const advance = async (ms: number) => {
    clock.now += ms;
    for (const sleeper of sleepers.filter((s) => s.until <= clock.now)) sleeper.resolve();
    await flush();
  };
  return { throttle, clock, log, advance, flush };
}

function ticketOf(turn: Turn): Ticket {
  if ('refused' in turn) throw new Error('refused');
  return turn.ticket;
}

/** Whether `ticket.ready` has resolved (after the microtasks ran). */
function tracked(ticket: Ticket): { ready: boolean } {
  const state = { ready: false };
  void ticket.ready.then(() => (state.ready = true));
  return state;
}

test('a fresh address goes at once, and a success leaves nothing behind', async () => {
  const { throttle, flush } = throttleAt();
  const ticket = ticketOf(throttle.enter('10.0.0.1:4000'));
  const state = tracked(ticket);
  await flush();
  assert.ok(state.ready, 'no wait');
  ticket.done(true);
  assert.is(throttle.size, 0);
  assert.is(throttle.penaltyMs('10.0.0.1:4000'), 0);
});

test('each failure doubles the wait: 1, 2, 4, 8, 16 s, then stays at the cap', async () => {
  const { throttle, advance } = throttleAt();
  const waits: number[] = [];
  for (let i = 0; i < 7; i++) {
    const ticket = ticketOf(throttle.enter('10.0.0.1:4000'));
    const state = tracked(ticket);
    await advance(0);
    assert.ok(state.ready, 'the attempt after the penalty ran out does not wait');
    ticket.done(false);
    waits.push(throttle.penaltyMs('10.0.0.1:4000'));
    await advance(waits.at(-1)!);
  }
  assert.equal(waits, [1000, 2000, 4000, 8000, 16_000, 16_000, 16_000]);
});

test('the penalty belongs to the address, not the connection: another port waits too, another address does not', async () => {
  const { throttle, advance } = throttleAt();
  ticketOf(throttle.enter('10.0.0.1:4000')).done(false);
  const other = tracked(ticketOf(throttle.enter('10.0.0.1:5555')));
  const elsewhere = tracked(ticketOf(throttle.enter('10.0.0.2:5555')));
  await advance(999);
  assert.not.ok(other.ready, 'one ms before the delay is over');
  assert.ok(elsewhere.ready);
  await advance(1);
  assert.ok(other.ready, 'at the delay');
});

test('parallel attempts from a fresh address are checked one at a time, each after the last one\'s answer and delay; past 16 s of queue they are refused', async () => {
  const { throttle, advance } = throttleAt();
  const turns = [1, 2, 3, 4, 5, 6].map((port) => throttle.enter(`10.0.0.1:${port}`));
  // Expected waits if all fail: 0, 1, 1+2, 1+2+4, 1+2+4+8 s; the sixth would wait 31 s.
  assert.equal(turns[5], { refused: true, retryAfterMs: 31_000 });
  const tickets = turns.slice(0, 5).map(ticketOf);
  const states = tickets.map(tracked);
  await advance(0);
  assert.equal(states.map((s) => s.ready), [true, false, false, false, false], 'only the first goes at once');
  await advance(5000);
  assert.not.ok(states[1]!.ready, 'the second waits for the first one\'s answer, however long it takes');
  tickets[0]!.done(false);
  await advance(999);
  assert.not.ok(states[1]!.ready);
  await advance(1);
  assert.ok(states[1]!.ready, 'then one delay (1 s)');
  tickets[1]!.done(false);
  await advance(1999);
  assert.not.ok(states[2]!.ready);
  await advance(1);
  assert.ok(states[2]!.ready, 'then two (2 s)');
});

test('a refused attempt is not a failure: it does not push the address further back', () => {
  const { throttle } = throttleAt({ maxDelayMs: 4000 });
  ticketOf(throttle.enter('10.0.0.1:1')).done(false);
  ticketOf(throttle.enter('10.0.0.1:1')); // would wait 1 s
  ticketOf(throttle.enter('10.0.0.1:1')); // 1 + 2 s: still within 4 s
  const penalty = throttle.penaltyMs('10.0.0.1:1');
  const refused = throttle.enter('10.0.0.1:1');
  assert.equal(refused, { refused: true, retryAfterMs: 7000 }, 'the next would wait 1 + 2 + 4 s');
  assert.is(throttle.penaltyMs('10.0.0.1:1'), penalty);
});

test('an address is forgotten after forgetAfterMs without use, not one ms before', async () => {
  const { throttle, clock } = throttleAt({ forgetAfterMs: 60_000 });
  ticketOf(throttle.enter('10.0.0.1:1')).done(false);
  clock.now += 60_000;
  assert.is(throttle.penaltyMs('10.0.0.1:1'), 0);
  assert.is(throttle.size, 1, 'still remembered at exactly forgetAfterMs');
  clock.now += 1;
  assert.is(throttle.penaltyMs('10.0.0.1:1'), 0);
  assert.is(throttle.size, 0, 'forgotten one ms later');
  ticketOf(throttle.enter('10.0.0.1:1')).done(false);
  assert.is(throttle.penaltyMs('10.0.0.1:1'), 1000, 'and starts again at the first delay');
});

test('quiet addresses are swept when others come, so the table does not keep them', () => {
  const { throttle, clock } = throttleAt({ forgetAfterMs: 1000 });
  for (let i = 0; i < 100; i++) ticketOf(throttle.enter(`10.0.1.${i}:1`)).done(false);
  assert.is(throttle.size, 100);
  clock.now += 20_000;
  ticketOf(throttle.enter('10.0.2.1:1')).done(false);
  assert.is(throttle.size, 1);
});

test('memory is bounded: past maxAddresses the least recently used address goes', () => {
  const { throttle } = throttleAt({ maxAddresses: 3 });
  for (const address of ['10.0.0.1:1', '10.0.0.2:1', '10.0.0.3:1']) ticketOf(throttle.enter(address)).done(false);
  throttle.enter('10.0.0.1:1'); // used again: now the newest
  ticketOf(throttle.enter('10.0.0.4:1')).done(false);
  assert.is(throttle.size, 3);
  assert.is(throttle.penaltyMs('10.0.0.2:1'), 0, 'the least recently used one was dropped');
  assert.ok(throttle.penaltyMs('10.0.0.1:1') > 0, 'the one used again was kept');
});

test('one log line per throttled address from its third failure, then at most one a minute', () => {
  const { throttle, clock, log } = throttleAt({ maxDelayMs: 1 });
  const fail = (address: string) => ticketOf(throttle.enter(address)).done(false);
  fail('10.0.0.1:1');
  fail('10.0.0.1:1');
  assert.equal(log, []);
  fail('10.0.0.1:1');
  assert.equal(log, ['login throttled for 10.0.0.1: 3 failed logins, next attempt waits 1 s']);
  for (let i = 0; i < 10; i++) {
    clock.now += 1;
    fail('10.0.0.1:1');
  }
  assert.is(log.length, 1, 'the same address again within the minute: no line');
  clock.now += 60_000;
  fail('10.0.0.1:1');
  assert.is(log.length, 2);
});

test('log lines over all addresses are capped at 20 a minute; the rest are counted in one line', () => {
  const { throttle, clock, log } = throttleAt({ maxDelayMs: 1 });
  const fail = (address: string) => {
    clock.now += 1;
    ticketOf(throttle.enter(address)).done(false);
  };
  for (let i = 0; i < 30; i++) for (let n = 0; n < 3; n++) fail(`10.9.0.${i}:1`);
  assert.is(log.length, 20);
  clock.now += 60_000;
  for (let n = 0; n < 3; n++) fail('10.9.1.1:1');
  assert.is(log[20], 'login throttle: 10 more throttle line(s) suppressed in the last minute');
  assert.match(log[21]!, /^login throttled for 10\.9\.1\.1:/);
});

test('addressKey: the host without its port; IPv6 by its /64; IPv4-mapped as IPv4', () => {
  assert.is(addressKey('10.1.2.3:4567'), '10.1.2.3');
  assert.is(addressKey('[2001:db8:1:2:3:4:5:6]:22'), '2001:db8:1:2::/64');
  assert.is(addressKey('[2001:db8:1:2::9]:22'), '2001:db8:1:2::/64');
  assert.is(addressKey('[2001:0db8:0001:0002:ffff::1]:22'), '2001:db8:1:2::/64');
  assert.is(addressKey('[::1]:22'), '0:0:0:0::/64');
  assert.is(addressKey('[::ffff:10.1.2.3]:22'), '10.1.2.3');
  assert.is(addressKey('unknown'), 'unknown');
});

test('checkInTurn (real timers): waits its turn, records failures, refuses unchecked, skips a client that left', async () => {
  const throttle = new LoginThrottle({ baseDelayMs: 40, maxDelayMs: 100 });
  let checks = 0;
  const failing = async () => {
    checks++;
    throw new Error('wrong password');
  };
  await checkInTurn(throttle, '10.0.0.1:1', failing).catch(() => {});
  const started = Date.now();
  await checkInTurn(throttle, '10.0.0.1:2', () => {});
  assert.ok(Date.now() - started >= 30, 'the second attempt waited for its turn');
  const parallel = await Promise.allSettled([1, 2, 3, 4, 5].map(() => checkInTurn(throttle, '10.0.0.1:3', failing)));
  assert.ok(parallel.some((result) => result.status === 'rejected' && result.reason instanceof LoginThrottled), 'some were refused unchecked');
  assert.ok(checks < 6, `only the turns given were checked (${checks})`);
  const before = checks;
  await checkInTurn(new LoginThrottle(), '10.0.0.9:1', failing, () => true).catch(() => {});
  assert.is(checks, before, 'a client that left is not checked');
  assert.is(await checkInTurn(null, 'x', () => {}), undefined, 'no throttle: checked at once');
});

test.run();
