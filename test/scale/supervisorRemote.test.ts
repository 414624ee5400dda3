// The supervisor chart alone, joined with other processes: what it hands on to `remote` (a recording
// fake), what it keeps for its own sessions, what it refuses, and the close of the others.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, setup, type AnyActorRef } from 'xstate';
import { supervisorLogic, type Receipt, type SupervisedSession } from '../../src/machines/supervisor.js';
import type { RemoteSessions } from '../../src/scale/remoteSessions.js';
import { MessageTooLargeError } from '../../src/scale/bus.js';

const LIMIT = 100;

function supervisor() {
  const actor = createActor(supervisorLogic, { input: { limits: { maxSessions: 10, maxUnauthenticated: 10, maxSessionsPerAddress: 0 } } });
  actor.start();
  return actor;
}

const child = setup({ types: { events: {} as { type: 'MESSAGE'; text: string } } }).createMachine({ initial: 'open', states: { open: {} } });

function session(parent: AnyActorRef, id: string, record: string[]): SupervisedSession {
  const actor = createActor(child, { parent, id });
  const send = actor.send.bind(actor);
  actor.send = (event) => {
    if (event.type === 'MESSAGE') record.push(`${id}:${(event as { text: string }).text}`);
    send(event);
  };
  actor.start();
  return { id, username: null, actor, lastActivity: 0, shutdown: () => record.push(`${id}:shutdown`), kick: () => record.push(`${id}:kicked`), endIdle() {}, warnIdle() {}, keepAlive() {} };
}

/** Process `p1`; ids `p2.*` are remote. Every call is recorded. */
function remote(record: string[]): RemoteSessions {
  return {
    processId: 'p1',
    isRemote: (id) => !id.startsWith('p1.'),
    refusal: (text) => (text.length > LIMIT ? new MessageTooLargeError(text.length, LIMIT) : null),
    sendTo: (id, text) => (record.push(`remote sendTo ${id}:${text}`), true),
    broadcast: (text, filter) => void record.push(`remote broadcast:${text}${filter ? ' (filtered)' : ''}`),
    disconnect: (id, message) => (record.push(`remote disconnect ${id}:${message}`), true),
    closeEverywhere: (message) => void record.push(`remote close:${message}`),
    list: async () => [],
    sessionsChanged: () => void record.push('remote sessionsChanged'),
  };
}

test('joined before any session only; then sendTo / disconnect of a remote id are handed on, local ones stay here', () => {
  const record: string[] = [];
  const sup = supervisor();
  sup.send({ type: 'JOIN_PROCESSES', remote: remote(record) });
  assert.ok(sup.getSnapshot().context.remote);
  sup.send({ type: 'SESSION_OPENED', session: session(sup, 'p1.s1', record) });

  const receipt: Receipt = { reached: -1 };
  sup.send({ type: 'MESSAGE', to: 'p2.s7', text: 'hi there', receipt });
  assert.is(receipt.reached, 1, 'handed on counts as reached');
  const local: Receipt = { reached: -1 };
  sup.send({ type: 'MESSAGE', to: 'p1.s1', text: 'hi here', receipt: local });
  assert.is(local.reached, 1);
  sup.send({ type: 'DISCONNECT', id: 'p2.s7', message: 'bye', receipt: { reached: -1 } });
  sup.send({ type: 'DISCONNECT', id: 'p1.s1', message: 'bye', receipt: { reached: -1 } });
  // From another process (`here`): a remote id is never sent on again; it reaches nobody.
  const here: Receipt = { reached: -1 };
  sup.send({ type: 'MESSAGE', to: 'p2.s9', text: 'loop?', here: true, receipt: here });
  assert.is(here.reached, 0);
  sup.send({ type: 'DISCONNECT', id: 'p2.s9', message: null, here: true });
  assert.equal(record, ['remote sendTo p2.s7:hi there', 'p1.s1:hi here', 'remote disconnect p2.s7:bye', 'p1.s1:kicked']);

  const late = supervisor();
  late.send({ type: 'SESSION_OPENED', session: session(late, 's1', []) });
  late.send({ type: 'JOIN_PROCESSES', remote: remote([]) });
  assert.is(late.getSnapshot().context.remote, null, 'not once sessions are open');
});

test('broadcast: to the other processes and here; from another process, here only; too large: refused, sent nowhere', () => {
  const record: string[] = [];
  const sup = supervisor();
  sup.send({ type: 'JOIN_PROCESSES', remote: remote(record) });
  sup.send({ type: 'SESSION_OPENED', session: session(sup, 'p1.s1', record) });
  sup.send({ type: 'SESSION_OPENED', session: session(sup, 'p1.s2', record) });
  const all: Receipt = { reached: -1 };
  sup.send({ type: 'MESSAGE', text: 'to all', receipt: all });
  assert.is(all.reached, 2, 'the local ones are counted');
  sup.send({ type: 'MESSAGE', text: 'not s1', filter: (s) => s.id !== 'p1.s1' });
  sup.send({ type: 'MESSAGE', text: 'from afar', here: true });
  assert.equal(record, ['remote broadcast:to all', 'p1.s1:to all', 'p1.s2:to all', 'remote broadcast:not s1 (filtered)', 'p1.s2:not s1', 'p1.s1:from afar', 'p1.s2:from afar']);

  record.length = 0;
  const atLimit: Receipt = { reached: -1 };
  sup.send({ type: 'MESSAGE', text: 'x'.repeat(LIMIT), receipt: atLimit });
  assert.is(atLimit.refused, undefined);
  assert.is(record.length, 3);
  record.length = 0;
  const over: Receipt = { reached: -1 };
  sup.send({ type: 'MESSAGE', text: 'x'.repeat(LIMIT + 1), receipt: over });
  assert.ok(over.refused instanceof MessageTooLargeError);
  assert.is(over.reached, 0);
  assert.equal(record, [], 'not even here');
  // The same size from another process is not the bus's to refuse: it is here already.
  sup.send({ type: 'MESSAGE', text: 'y'.repeat(LIMIT + 1), here: true });
  assert.is(record.length, 2);
});

test('SHUTDOWN: the other processes are closed only when asked (everywhere), and once', () => {
  const record: string[] = [];
  const sup = supervisor();
  sup.send({ type: 'JOIN_PROCESSES', remote: remote(record) });
  sup.send({ type: 'SESSION_OPENED', session: session(sup, 'p1.s1', record) });
  sup.send({ type: 'SHUTDOWN', message: 'just me' });
  assert.equal(record, ['p1.s1:shutdown']);

  const record2: string[] = [];
  const everywhere = supervisor();
  everywhere.send({ type: 'JOIN_PROCESSES', remote: remote(record2) });
  everywhere.send({ type: 'SESSION_OPENED', session: session(everywhere, 'p1.s1', record2) });
  everywhere.send({ type: 'SHUTDOWN', message: 'all of us', everywhere: true });
  everywhere.send({ type: 'SHUTDOWN', message: 'again', everywhere: true }); // draining already: nothing more
  assert.equal(record2, ['remote close:all of us', 'p1.s1:shutdown']); // the others start closing as this one does
});

test.run();
