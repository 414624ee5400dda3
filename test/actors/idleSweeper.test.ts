// The idle sweep, driven with explicit clock readings: a warning once per idle spell, at the exact
// boundaries, the cut at the timeout, and a fresh warning for every later spell after activity.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IdleSweep, type IdleTrackable } from '../../src/actors/idleSweeper.js';

class FakeSession implements IdleTrackable {
  lastActivity = 0;
  readonly events: string[] = [];
  warnIdle(secondsLeft: number): void {
    this.events.push(`warn ${secondsLeft}`);
  }
  endIdle(): void {
    this.events.push('end');
  }
}

const TIMEOUT = 10_000;
const WARNING = 3_000;

/** The sweep over these sessions; each test calls sweep(now) itself with its own clock readings. */
function sweeper(...sessions: FakeSession[]): { sweep(now: number): void } {
  const idle = new IdleSweep({ idleTimeoutMs: TIMEOUT, idleWarningMs: WARNING });
  return { sweep: (now) => idle.sweep(now, sessions) };
}

test('no warning one millisecond before the warning time; one at it, with the seconds left; not repeated', () => {
  const session = new FakeSession();
  const idle = sweeper(session);
  idle.sweep(TIMEOUT - WARNING - 1);
  assert.equal(session.events, []);
  idle.sweep(TIMEOUT - WARNING);
  assert.equal(session.events, ['warn 3']);
  idle.sweep(TIMEOUT - 1500);
  idle.sweep(TIMEOUT - 1);
  assert.equal(session.events, ['warn 3'], 'one warning per idle spell');
  idle.sweep(TIMEOUT);
  assert.equal(session.events, ['warn 3', 'end'], 'cut at the timeout exactly');
});

test('two idle spells with activity between: each gets its own warning before its cut', () => {
  const session = new FakeSession();
  const idle = sweeper(session);
  idle.sweep(TIMEOUT - WARNING + 500);
  assert.equal(session.events, ['warn 3']);
  // The user types: the spell is over, the next sweep sees a fresh session.
  session.lastActivity = TIMEOUT - 1000;
  idle.sweep(TIMEOUT);
  assert.equal(session.events, ['warn 3'], 'active again: neither a warning nor a cut');
  const second = session.lastActivity;
  idle.sweep(second + TIMEOUT - WARNING - 1);
  assert.equal(session.events, ['warn 3'], 'the second spell is not warned early');
  idle.sweep(second + TIMEOUT - 2000);
  assert.equal(session.events, ['warn 3', 'warn 2'], 'the second spell is warned too');
  idle.sweep(second + TIMEOUT);
  assert.equal(session.events, ['warn 3', 'warn 2', 'end']);
});

test('activity inside the warning window, then idle again: warned again before the cut', () => {
  const session = new FakeSession();
  const idle = sweeper(session);
  idle.sweep(TIMEOUT - 1000);
  session.lastActivity = TIMEOUT - 500; // typed a key after the warning
  idle.sweep(TIMEOUT - 400);
  assert.equal(session.events, ['warn 1']);
  idle.sweep(session.lastActivity + TIMEOUT - WARNING);
  assert.equal(session.events, ['warn 1', 'warn 3']);
});

test('sessions are swept independently: one warned, one cut, one fresh', () => {
  const [old, warned, fresh] = [new FakeSession(), new FakeSession(), new FakeSession()];
  old.lastActivity = 0;
  warned.lastActivity = 2_000;
  fresh.lastActivity = 9_000;
  sweeper(old, warned, fresh).sweep(TIMEOUT);
  assert.equal([old.events, warned.events, fresh.events], [['end'], ['warn 2'], []]);
});

test.run();
