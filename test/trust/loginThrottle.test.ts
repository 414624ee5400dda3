// The login throttle with a clock of its own: delays, turns, refusals, forgetting, bounded memory, log lines.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LoginThrottle, addressKey, checkInTurn, LoginThrottled } from '../../src/actors/loginThrottle.js';

function throttleAt(options: ConstructorParameters<typeof LoginThrottle>[0] = {}) {
  const clock = { now: 1_000_000 };
  const log: string[] = [];
  const throttle = new LoginThrottle(options, (line) => log.push(line), () => clock.now);
  return { throttle, clock, log };
}

test('a fresh address never waits, and a success leaves nothing behind', () => {
  const { throttle } = throttleAt();
  assert.equal(throttle.turn('10.0.0.1:4000'), { waitMs: 0 });
  assert.equal(throttle.turn('10.0.0.1:4001'), { waitMs: 0 });
  assert.is(throttle.penaltyMs('10.0.0.1:4000'), 0);
  assert.is(throttle.size, 0);
});

test('each failure doubles the wait: 1, 2, 4, 8, 16 s, then stays at the cap', () => {
  const { throttle, clock } = throttleAt();
  const waits: number[] = [];
  for (let i = 0; i < 7; i++) {
    const turn = throttle.turn('10.0.0.1:4000');
    assert.ok('waitMs' in turn && turn.waitMs === 0, 'the attempt after the penalty ran out does not wait');
    waits.push(throttle.failed('10.0.0.1:4000'));
    clock.now += waits.at(-1)!;
  }
  assert.equal(waits, [1000, 2000, 4000, 8000, 16_000, 16_000, 16_000]);
});

test('the penalty belongs to the address, not the connection: another port waits too', () => {
  const { throttle } = throttleAt();
  throttle.failed('10.0.0.1:4000');
  throttle.failed('10.0.0.1:4000');
  assert.equal(throttle.turn('10.0.0.1:5555'), { waitMs: 2000 });
  assert.equal(throttle.turn('10.0.0.2:5555'), { waitMs: 0 }, 'another address is not touched');
});

test('parallel attempts take turns: each waits one delay more than the last; past the cap they are refused', () => {
  const { throttle } = throttleAt({ baseDelayMs: 1000, maxDelayMs: 4000 });
  throttle.failed('10.0.0.1:1');
  throttle.failed('10.0.0.1:1'); // next attempt in 2 s, each further turn 2 s later
  const turns = [1, 2, 3, 4].map((port) => throttle.turn(`10.0.0.1:${port}`));
  assert.equal(turns.slice(0, 2), [{ waitMs: 2000 }, { waitMs: 4000 }]);
  assert.equal(turns[2], { refused: true, retryAfterMs: 6000 }, 'one step past the cap: refused unchecked');
  assert.equal(turns[3], { refused: true, retryAfterMs: 6000 }, 'a refusal takes no turn');
});

test('an address is forgotten after forgetAfterMs without failures, not one ms before', () => {
  const { throttle, clock } = throttleAt({ forgetAfterMs: 60_000 });
  throttle.failed('10.0.0.1:1');
  clock.now += 60_000;
  assert.is(throttle.penaltyMs('10.0.0.1:1'), 0);
  assert.is(throttle.size, 1, 'still remembered at exactly forgetAfterMs');
  clock.now += 1;
  assert.equal(throttle.turn('10.0.0.1:1'), { waitMs: 0 });
  assert.is(throttle.size, 0, 'forgotten one ms later');
  throttle.failed('10.0.0.1:1');
  assert.is(throttle.penaltyMs('10.0.0.1:1'), 1000, 'and starts again at the first delay');
});

test('quiet addresses are swept when others fail, so the table does not keep them', () => {
  const { throttle, clock } = throttleAt({ forgetAfterMs: 1000 });
  for (let i = 0; i < 100; i++) throttle.failed(`10.0.1.${i}:1`);
  clock.now += 20_000;
  throttle.failed('10.0.2.1:1');
  assert.is(throttle.size, 1);
});

test('memory is bounded: past maxAddresses the address whose last failure is oldest goes', () => {
  const { throttle } = throttleAt({ maxAddresses: 3 });
  throttle.failed('10.0.0.1:1');
  throttle.failed('10.0.0.2:1');
  throttle.failed('10.0.0.3:1');
  throttle.failed('10.0.0.1:1'); // the first address failed again: now the newest
  throttle.failed('10.0.0.4:1');
  assert.is(throttle.size, 3);
  assert.is(throttle.penaltyMs('10.0.0.2:1'), 0, 'the least recently failed one was dropped');
  assert.is(throttle.penaltyMs('10.0.0.1:1'), 2000, 'the one that failed again was kept');
});

test('one log line per throttled address from its third failure, then at most one a minute', () => {
  const { throttle, clock, log } = throttleAt();
  throttle.failed('10.0.0.1:1');
  throttle.failed('10.0.0.1:1');
  assert.equal(log, []);
  throttle.failed('10.0.0.1:1');
  assert.equal(log, ['login throttled for 10.0.0.1: 3 failed logins, next attempt waits 4 s']);
  for (let i = 0; i < 10; i++) throttle.failed('10.0.0.1:1');
  assert.is(log.length, 1, 'the same address again within the minute: no line');
  clock.now += 60_000;
  throttle.failed('10.0.0.1:1');
  assert.is(log.length, 2);
});

test('log lines over all addresses are capped at 20 a minute; the rest are counted in one line', () => {
  const { throttle, clock, log } = throttleAt();
  for (let i = 0; i < 30; i++) for (let n = 0; n < 3; n++) throttle.failed(`10.9.0.${i}:1`);
  assert.is(log.length, 20);
  clock.now += 60_000;
  throttle.failed('10.9.1.1:1');
  throttle.failed('10.9.1.1:1');
  throttle.failed('10.9.1.1:1');
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

test('checkInTurn: waits its turn, records a failure, refuses unchecked past the cap, skips a client that left', async () => {
  const throttle = new LoginThrottle({ baseDelayMs: 40, maxDelayMs: 80 });
  let checks = 0;
  const failing = async () => {
    checks++;
    throw new Error('wrong password');
  };
  await checkInTurn(throttle, '10.0.0.1:1', failing).catch(() => {});
  assert.is(throttle.penaltyMs('10.0.0.1:1') > 0, true);
  const started = Date.now();
  await checkInTurn(throttle, '10.0.0.1:2', () => {});
  assert.ok(Date.now() - started >= 30, 'the second attempt waited for its turn');
  throttle.failed('10.0.0.1:1');
  throttle.failed('10.0.0.1:1');
  const parallel = await Promise.allSettled([1, 2, 3, 4].map(() => checkInTurn(throttle, '10.0.0.1:3', failing)));
  assert.ok(parallel.some((result) => result.status === 'rejected' && result.reason instanceof LoginThrottled), 'some were refused unchecked');
  assert.ok(checks < 5, `only the turns given were checked (${checks})`);
  const before = checks;
  await checkInTurn(new LoginThrottle(), '10.0.0.9:1', failing, () => true).catch(() => {});
  assert.is(checks, before, 'a client that left is not checked');
  assert.is(await checkInTurn(null, 'x', () => {}), undefined, 'no throttle: checked at once');
});

test.run();
