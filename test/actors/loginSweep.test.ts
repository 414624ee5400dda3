// The login timeout as one sweep on the supervisor's ticker: the ticker runs only while someone logs
// in, a session past its deadline is told once (not one early), and the welcome takes it out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, createEmptyActor } from 'xstate';
import { supervisorLogic, type SupervisedSession } from '../../src/machines/supervisor.js';
import { LoginSweep } from '../../src/actors/loginSweeper.js';

const limits = { maxSessions: 0, maxUnauthenticated: 0, maxSessionsPerAddress: 0 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function loggingIn(id: string, deadline: number, record: string[]): SupervisedSession & { loginDeadline: number } {
  return {
    id,
    username: null,
    actor: createEmptyActor(),
    lastActivity: Date.now(),
    loginDeadline: deadline,
    loginTimedOut: () => record.push(`${id}:timeout`),
    shutdown() {},
    kick() {},
    endIdle() {},
    warnIdle() {},
    keepAlive() {},
  };
}

test('LoginSweep: at the deadline and not a millisecond before; told once; a session past its welcome is dropped', () => {
  const record: string[] = [];
  const sweep = new LoginSweep(1000);
  assert.is(sweep.everyMs, 50, 'a twentieth of the timeout');
  const a = loggingIn('a', 5000, record);
  const welcomed = loggingIn('w', 0, record);
  sweep.watch(a);
  sweep.watch(welcomed);
  sweep.sweep(4999);
  assert.equal(record, []);
  assert.is(sweep.size, 1, 'the one with no deadline left (welcomed) is dropped');
  sweep.sweep(5000);
  assert.equal(record, ['a:timeout']);
  sweep.sweep(6000);
  assert.equal(record, ['a:timeout'], 'once');
  assert.is(sweep.size, 0);
  const off = new LoginSweep(0);
  off.watch(loggingIn('b', 1, record));
  assert.is(off.size, 0, 'no login timeout: nothing watched, no ticker wanted');
});

test('the supervisor ticks only while someone logs in; the timeout fires from the sweep; the welcome stops it', async () => {
  const record: string[] = [];
  const sup = createActor(supervisorLogic, { input: { limits, loginTimeoutMs: 200 } });
  sup.start();
  const slow = loggingIn('slow', Date.now() + 200, record);
  const quick = loggingIn('quick', Date.now() + 200, record);
  sup.send({ type: 'SESSION_OPENED', session: slow });
  sup.send({ type: 'SESSION_OPENED', session: quick });
  assert.equal(sup.getSnapshot().value, { running: 'ticking' }, 'a login under way: the ticker runs');
  // `quick` logs in: out of the sweep (its deadline is over too, as LiveSession does at the welcome).
  quick.loginDeadline = 0;
  sup.send({ type: 'CONNECTION_AUTHENTICATED', remoteAddress: 'x', session: quick });
  await sleep(100);
  assert.equal(record, [], 'not before the deadline');
  await sleep(250);
  assert.equal(record, ['slow:timeout'], 'slow timed out, quick not');
  assert.equal(sup.getSnapshot().value, { running: 'quiet' }, 'nobody logging in: no ticker, though sessions are open');
  assert.is(sup.getSnapshot().context.sessions.size, 2);
  sup.stop();
});

test('a login starting under a slower ticker (keepalive) restarts it at the login pace', async () => {
  const record: string[] = [];
  const sup = createActor(supervisorLogic, { input: { limits, keepAliveMs: 60_000, loginTimeoutMs: 200 } });
  sup.start();
  const loggedIn = loggingIn('in', 0, record);
  sup.send({ type: 'SESSION_OPENED', session: loggedIn });
  assert.is(sup.getSnapshot().context.tickingEveryMs, 20, 'every session opens logging in');
  sup.send({ type: 'CONNECTION_AUTHENTICATED', remoteAddress: 'x', session: loggedIn });
  assert.is(sup.getSnapshot().context.tickingEveryMs, 60_000, 'logged in: the keepalive pace');
  sup.send({ type: 'SESSION_OPENED', session: loggingIn('new', Date.now() + 100, record) });
  assert.is(sup.getSnapshot().context.tickingEveryMs, 20);
  await sleep(250);
  assert.equal(record, ['new:timeout']);
  assert.is(sup.getSnapshot().context.tickingEveryMs, 60_000, 'back to the keepalive pace');
  sup.stop();
});

test.run();
