// The supervisor chart alone: admission as a guarded transition at the boundary and one past it, the
// ticker running only while sessions are open (and only when there is something to tick for), the
// idle sweep and keepalive it drives, and MESSAGE routed to session actors with the count reached.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, setup, type AnyActorRef } from 'xstate';
import { supervisorLogic, type AdmissionReceipt, type Receipt, type SupervisedSession } from '../../src/machines/supervisor.js';

const limits = { maxSessions: 3, maxUnauthenticated: 2, maxSessionsPerAddress: 0 };

function supervisor(options: { idleTimeoutMs?: number; keepAliveMs?: number } = {}) {
  const actor = createActor(supervisorLogic, {
    input: { limits, idle: { idleTimeoutMs: options.idleTimeoutMs ?? 0, idleWarningMs: 0 }, keepAliveMs: options.keepAliveMs ?? 0 },
  });
  actor.start();
  return actor;
}

const child = setup({ types: { events: {} as { type: 'MESSAGE'; text: string } | { type: 'END' } } }).createMachine({
  initial: 'open',
  states: { open: { on: { END: 'closed' } }, closed: { type: 'final' } },
});

function session(parent: AnyActorRef, id: string, record: string[]): SupervisedSession & { actor: AnyActorRef } {
  const actor = createActor(child, { parent, id, inspect: undefined });
  actor.subscribe(() => {});
  const origSend = actor.send.bind(actor);
  actor.send = (event) => {
    if (event.type === 'MESSAGE') record.push(`${id}:${(event as { text: string }).text}`);
    origSend(event);
  };
  actor.start();
  return {
    id,
    username: null,
    actor,
    lastActivity: 0,
    shutdown() {},
    kick: () => record.push(`${id}:kicked`),
    endIdle: () => record.push(`${id}:idle`),
    warnIdle() {},
    keepAlive: () => record.push(`${id}:nop`),
  };
}

test('admission: a guarded transition on the counts it keeps, at each cap and one past it', () => {
  const sup = supervisor();
  const open = (remoteAddress: string) => {
    const receipt: AdmissionReceipt = { admitted: false, refusal: null };
    sup.send({ type: 'CONNECTION_OPENED', remoteAddress, receipt });
    return receipt;
  };
  assert.is(open('1.1.1.1:1').admitted, true);
  assert.is(open('1.1.1.1:2').admitted, true);
  // Two not logged in: the third is refused as anonymous, and counts nothing.
  assert.is(open('1.1.1.1:3').refusal?.cause, 'unauthenticated');
  sup.send({ type: 'CONNECTION_AUTHENTICATED', remoteAddress: '1.1.1.1:1' });
  assert.is(open('1.1.1.1:3').admitted, true);
  // maxSessions 3 reached.
  assert.is(open('1.1.1.1:4').refusal?.cause, 'sessions');
  sup.send({ type: 'CONNECTION_CLOSED', remoteAddress: '1.1.1.1:2' });
  assert.equal(open('1.1.1.1:4'), { admitted: true, refusal: null });
  sup.send({ type: 'SHUTDOWN', message: null });
  // Shutting down: neither admitted nor refused (the server closes it).
  assert.equal(open('1.1.1.1:5'), { admitted: false, refusal: null });
});

test('CONNECTION_OPENED with open: admitted and registered in one event, the ticker started in it; refused: never made', () => {
  const sup = createActor(supervisorLogic, { input: { limits: { maxSessions: 1, maxUnauthenticated: 1, maxSessionsPerAddress: 0 }, idle: { idleTimeoutMs: 60_000, idleWarningMs: 0 } } });
  sup.start();
  const record: string[] = [];
  const made: string[] = [];
  const connect = (id: string, make = true) => {
    const receipt: AdmissionReceipt = { admitted: false, refusal: null };
    sup.send({ type: 'CONNECTION_OPENED', remoteAddress: `1.1.1.1:${id}`, receipt, open: () => (made.push(id), make ? session(sup, id, record) : null) });
    return receipt;
  };
  // A session that could not be made (its handler threw) is admitted (its close releases it) but not registered.
  assert.is(connect('broken', false).admitted, true);
  assert.equal(made, ['broken']);
  assert.is(sup.getSnapshot().context.sessions.size, 0);
  assert.equal(sup.getSnapshot().value, { running: 'quiet' });
  sup.send({ type: 'CONNECTION_CLOSED', remoteAddress: '1.1.1.1:broken' });
  assert.is(connect('one').admitted, true);
  assert.equal([...sup.getSnapshot().context.sessions.keys()], ['one']);
  assert.equal(sup.getSnapshot().value, { running: 'ticking' }, 'registered in the same step: the idle ticker runs');
  // maxSessions 1: the next is refused and its session never made.
  assert.is(connect('two').refusal?.cause, 'sessions');
  assert.equal(made, ['broken', 'one']);
  assert.equal([...sup.getSnapshot().context.sessions.keys()], ['one']);
  sup.stop();
});

test('the ticker runs while sessions are open and something is to be done; idle sweep and keepalive', async () => {
  const quiet = supervisor();
  const record: string[] = [];
  quiet.send({ type: 'SESSION_OPENED', session: session(quiet, 'q1', record) });
  assert.equal(quiet.getSnapshot().value, { running: 'quiet' }, 'no idle timeout, no keepalive: no timer');

  const sup = supervisor({ idleTimeoutMs: 60_000, keepAliveMs: 50 });
  assert.equal(sup.getSnapshot().value, { running: 'quiet' }, 'no sessions: no timer');
  const one = session(sup, 's1', record);
  sup.send({ type: 'SESSION_OPENED', session: one });
  assert.equal(sup.getSnapshot().value, { running: 'ticking' });
  assert.ok(sup.getSnapshot().children.ticker);
  await new Promise((resolve) => setTimeout(resolve, 180));
  const nops = record.filter((line) => line === 's1:nop').length;
  assert.ok(nops >= 1 && nops <= 4, `keepalive every 50 ms: ${nops} in 180 ms`);
  assert.ok(record.includes('s1:idle'), 'lastActivity 0 is long idle: ended by the sweep');
  one.actor.send({ type: 'END' });
  assert.equal(sup.getSnapshot().value, { running: 'quiet' }, 'the last session gone: the ticker stops');
  assert.is(sup.getSnapshot().children.ticker, undefined);
});

test('MESSAGE: routed to each session actor as an event, the receipt says how many were reached', () => {
  const sup = supervisor();
  const record: string[] = [];
  const a = session(sup, 'a', record);
  const b = session(sup, 'b', record);
  sup.send({ type: 'SESSION_OPENED', session: a });
  sup.send({ type: 'SESSION_OPENED', session: b });
  const receipt: Receipt = { reached: -1 };
  sup.send({ type: 'MESSAGE', text: 'all', receipt });
  assert.is(receipt.reached, 2);
  sup.send({ type: 'MESSAGE', text: 'to b', to: 'b', receipt });
  assert.is(receipt.reached, 1);
  sup.send({ type: 'MESSAGE', text: 'filtered', filter: (s) => s.id === 'a', receipt });
  assert.is(receipt.reached, 1);
  b.actor.send({ type: 'END' });
  sup.send({ type: 'MESSAGE', text: 'after', receipt });
  assert.is(receipt.reached, 1);
  sup.send({ type: 'MESSAGE', text: 'gone', to: 'b', receipt });
  assert.is(receipt.reached, 0);
  sup.send({ type: 'DISCONNECT', id: 'a', message: null, receipt });
  assert.is(receipt.reached, 1);
  assert.equal(record, ['a:all', 'b:all', 'b:to b', 'a:filtered', 'a:after', 'a:kicked']);
});

test.run();
