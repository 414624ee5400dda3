// The supervisor chart at its edges, through supervisorLogic: the counts admission keeps (logged in,
// closed, per address at the bound and one past), the ticker's pace (the fastest of idle, keepalive
// and, while anyone logs in, the login sweep) and when keepalive goes out (on a clock held still),
// the login sweep, messages and disconnects for sessions gone or stopped, routing to other processes
// once joined (handed on, refused as too large, broadcast, here-only), and the drain at shutdown.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, setup, type AnyActorRef } from 'xstate';
import {
  sessionEndAsEvent,
  supervisorLogic,
  tickEvery,
  type AdmissionReceipt,
  type Receipt,
  type SupervisedSession,
  type SupervisorInput,
} from '../../src/machines/supervisor.js';
import type { IdleSweep } from '../../src/actors/idleSweeper.js';
import type { LoginSweep } from '../../src/actors/loginSweeper.js';
import type { RemoteSessions } from '../../src/scale/remoteSessions.js';

const child = setup({ types: { events: {} as { type: 'MESSAGE'; text: string } | { type: 'END' } } }).createMachine({
  initial: 'open',
  states: { open: { on: { END: 'closed' } }, closed: { type: 'final' } },
});

const started: AnyActorRef[] = [];

function supervisor(input: Partial<SupervisorInput> = {}) {
  const actor = createActor(supervisorLogic, {
    input: { limits: { maxSessions: 10, maxUnauthenticated: 10, maxSessionsPerAddress: 0 }, ...input },
  });
  actor.start();
  started.push(actor);
  return actor;
}

// A supervisor left ticking would send TICKs into the suites that run after this one.
test.after.each(() => {
  for (const actor of started.splice(0)) actor.stop();
});

type Sup = ReturnType<typeof supervisor>;

interface TestSession extends SupervisedSession {
  loginDeadline: number;
  record: string[];
}

/** A session for `sup`: its actor a child of the supervisor (ends as SESSION_CLOSED) unless `parent` is null. */
function session(sup: Sup | null, id: string, record: string[] = [], username: string | null = null): TestSession {
  const actor: AnyActorRef = createActor(child, { parent: sup ?? undefined, id });
  if (!sup) started.push(actor);
  const send = actor.send.bind(actor);
  actor.send = (event) => {
    if (event.type === 'MESSAGE') record.push(`${id}:${(event as { text: string }).text}`);
    send(event);
  };
  actor.start();
  return {
    id,
    username,
    actor,
    record,
    lastActivity: Date.now(),
    loginDeadline: 0,
    loginTimedOut: () => record.push(`${id}:login timed out`),
    shutdown: (message) => record.push(`${id}:shutdown ${message}`),
    kick: (message) => record.push(`${id}:kick ${message}`),
    endIdle: () => record.push(`${id}:idle`),
    warnIdle: () => record.push(`${id}:warn`),
    keepAlive: () => record.push(`${id}:nop`),
  };
}

function withClock<T>(run: (set: (ms: number) => void) => T): T {
  const real = Date.now;
  let now = 1_000_000;
  Date.now = () => now;
  try {
    return run((ms) => (now = ms));
  } finally {
    Date.now = real;
  }
}

const open = (sup: Sup, remoteAddress: string) => {
  const receipt: AdmissionReceipt = { admitted: false, refusal: null };
  sup.send({ type: 'CONNECTION_OPENED', remoteAddress, receipt });
  return receipt;
};

test('tickEvery: the shortest period wanted, 0 for none; the login sweep only while someone logs in', () => {
  const idle = (everyMs: number) => ({ everyMs }) as IdleSweep;
  const login = (everyMs: number, size: number) => ({ everyMs, size }) as LoginSweep;
  assert.is(tickEvery({ idle: idle(0), keepAliveMs: 0 }), 0);
  assert.is(tickEvery({ idle: idle(1000), keepAliveMs: 0 }), 1000);
  assert.is(tickEvery({ idle: idle(0), keepAliveMs: 300 }), 300);
  assert.is(tickEvery({ idle: idle(1000), keepAliveMs: 300 }), 300);
  assert.is(tickEvery({ idle: idle(200), keepAliveMs: 300 }), 200);
  assert.is(tickEvery({ idle: idle(200), keepAliveMs: 300, login: login(50, 1) }), 50);
  assert.is(tickEvery({ idle: idle(200), keepAliveMs: 300, login: login(50, 0) }), 200);
  assert.is(tickEvery({ idle: idle(0), keepAliveMs: 0, login: login(50, 2) }), 50);
  assert.is(tickEvery({ idle: idle(0), keepAliveMs: 0, login: login(0, 2) }), 0);
});

test('admission counts: logged in frees a not-logged-in place, closed frees a place, per address at the bound and one past', () => {
  const sup = supervisor({ limits: { maxSessions: 3, maxUnauthenticated: 3, maxSessionsPerAddress: 2 } });
  const counts = () => {
    const { connections } = sup.getSnapshot().context;
    return [connections.total, connections.unauthenticated];
  };
  assert.equal(open(sup, '10.0.0.1:1'), { admitted: true, refusal: null });
  assert.equal(counts(), [1, 1]);
  assert.is(open(sup, '10.0.0.1:2').admitted, true);
  const third = open(sup, '10.0.0.1:3');
  assert.is(third.admitted, false);
  assert.is(third.refusal?.cause, 'address');
  assert.equal(counts(), [2, 2], 'a refusal counts nothing');
  assert.is(open(sup, '10.0.0.2:1').admitted, true, 'another address');
  sup.send({ type: 'CONNECTION_AUTHENTICATED', remoteAddress: '10.0.0.1:1' });
  assert.equal(counts(), [3, 2]);
  assert.is(open(sup, '10.0.0.3:1').refusal?.cause, 'sessions');
  sup.send({ type: 'CONNECTION_CLOSED', remoteAddress: '10.0.0.1:1' });
  assert.equal(counts(), [2, 2]);
  assert.is(open(sup, '10.0.0.1:4').admitted, true, 'one of the address\'s two places is free again');
  assert.equal(counts(), [3, 3]);
});

test('a login: watched from SESSION_OPENED, the ticker at the login sweep\'s pace until it logs in, then at the idle pace', () => {
  // idle 10 s: swept every 1,000 ms; login 1 s: every 50 ms while someone logs in.
  const sup = supervisor({ idle: { idleTimeoutMs: 10_000, idleWarningMs: 0 }, loginTimeoutMs: 1000 });
  const one = session(sup, 'one');
  sup.send({ type: 'SESSION_OPENED', session: one });
  const context = () => sup.getSnapshot().context;
  assert.equal(sup.getSnapshot().value, { running: 'ticking' });
  assert.is(context().login.size, 1);
  assert.is(context().tickingEveryMs, 50);
  sup.send({ type: 'CONNECTION_AUTHENTICATED', remoteAddress: '1.2.3.4:5', session: one });
  assert.is(context().login.size, 0);
  assert.is(context().tickingEveryMs, 1000);
  assert.ok(sup.getSnapshot().children.ticker);
  // Authenticated without a session (an SSH connection before its channel): the login sweep untouched.
  const two = session(sup, 'two');
  sup.send({ type: 'SESSION_OPENED', session: two });
  assert.is(context().tickingEveryMs, 50);
  sup.send({ type: 'CONNECTION_AUTHENTICATED', remoteAddress: '1.2.3.4:6' });
  assert.is(context().login.size, 1);
  // Its end takes it from the login sweep and the registry.
  two.actor.send({ type: 'END' });
  assert.is(context().login.size, 0);
  assert.equal([...context().sessions.keys()], ['one']);
  assert.is(context().tickingEveryMs, 1000);
  one.actor.send({ type: 'END' });
  assert.equal(sup.getSnapshot().value, { running: 'quiet' });
});

test('the login sweep the only reason to tick: sessions still open but all logged in, the ticker stops', () => {
  const sup = supervisor({ loginTimeoutMs: 1000 });
  const one = session(sup, 'one');
  sup.send({ type: 'SESSION_OPENED', session: one });
  assert.equal(sup.getSnapshot().value, { running: 'ticking' });
  assert.is(sup.getSnapshot().context.tickingEveryMs, 50);
  sup.send({ type: 'CONNECTION_AUTHENTICATED', remoteAddress: '1.2.3.4:5', session: one });
  assert.equal(sup.getSnapshot().value, { running: 'quiet' });
  assert.is(sup.getSnapshot().children.ticker, undefined);
  assert.is(sup.getSnapshot().context.sessions.size, 1);
  // A second login starts it again.
  sup.send({ type: 'SESSION_OPENED', session: session(sup, 'two') });
  assert.equal(sup.getSnapshot().value, { running: 'ticking' });
});

test('the login sweep on TICK: a session past its deadline is told, one before it is not (yet)', () => {
  withClock((setNow) => {
    const sup = supervisor({ loginTimeoutMs: 1000 });
    const record: string[] = [];
    const early = session(sup, 'early', record);
    const late = session(sup, 'late', record);
    early.loginDeadline = 1_000_500;
    late.loginDeadline = 1_000_501;
    sup.send({ type: 'SESSION_OPENED', session: early });
    sup.send({ type: 'SESSION_OPENED', session: late });
    setNow(1_000_500);
    sup.send({ type: 'TICK' });
    assert.equal(record, ['early:login timed out']);
    setNow(1_000_501);
    sup.send({ type: 'TICK' });
    assert.equal(record, ['early:login timed out', 'late:login timed out']);
    assert.is(sup.getSnapshot().context.login.size, 0);
  });
});

test('keepalive on TICK: due once half a tick before its period, then again a period after that, to every session', () => {
  withClock((setNow) => {
    // keepalive 100 ms and nothing else: ticks every 100 ms, a probe is due from 50 ms after the last.
    const sup = supervisor({ keepAliveMs: 100 });
    const record: string[] = [];
    sup.send({ type: 'SESSION_OPENED', session: session(sup, 'a', record) });
    sup.send({ type: 'SESSION_OPENED', session: session(sup, 'b', record) });
    assert.is(sup.getSnapshot().context.tickingEveryMs, 100);
    setNow(1_000_049);
    sup.send({ type: 'TICK' });
    assert.equal(record, [], '49 ms: not yet');
    setNow(1_000_050);
    sup.send({ type: 'TICK' });
    assert.equal(record, ['a:nop', 'b:nop']);
    assert.is(sup.getSnapshot().context.keptAliveAt, 1_000_050);
    setNow(1_000_099);
    sup.send({ type: 'TICK' });
    assert.is(record.length, 2, 'counted from the last probe');
    setNow(1_000_100);
    sup.send({ type: 'TICK' });
    assert.equal(record, ['a:nop', 'b:nop', 'a:nop', 'b:nop']);
  });
});

test('the idle sweep on TICK uses the same clock: idle past the limit ends the session', () => {
  withClock((setNow) => {
    const sup = supervisor({ idle: { idleTimeoutMs: 1000, idleWarningMs: 0 } });
    const record: string[] = [];
    const one = session(sup, 'one', record);
    sup.send({ type: 'SESSION_OPENED', session: one });
    setNow(one.lastActivity + 999);
    sup.send({ type: 'TICK' });
    assert.equal(record, []);
    setNow(one.lastActivity + 1000);
    sup.send({ type: 'TICK' });
    assert.equal(record, ['one:idle']);
  });
});

test('messages and disconnects for a session stopped but not yet unregistered: nobody reached, nothing kicked', () => {
  const sup = supervisor();
  const record: string[] = [];
  // Actors outside the supervisor's system: stopping one sends it no SESSION_CLOSED.
  const live = session(null, 'live', record);
  const stopped = session(null, 'stopped', record);
  sup.send({ type: 'SESSION_OPENED', session: live });
  sup.send({ type: 'SESSION_OPENED', session: stopped });
  stopped.actor.stop();
  const receipt: Receipt = { reached: -1 };
  sup.send({ type: 'MESSAGE', text: 'to it', to: 'stopped', receipt });
  assert.is(receipt.reached, 0);
  sup.send({ type: 'MESSAGE', text: 'all', receipt });
  assert.is(receipt.reached, 1);
  const kick: Receipt = { reached: -1 };
  sup.send({ type: 'DISCONNECT', id: 'stopped', message: 'x', receipt: kick });
  sup.send({ type: 'DISCONNECT', id: 'nobody', message: 'x', receipt: kick });
  assert.is(kick.reached, -1, 'not reached: the receipt left as it was');
  sup.send({ type: 'DISCONNECT', id: 'live', message: 'go', receipt: kick });
  assert.is(kick.reached, 1);
  assert.equal(record, ['live:all', 'live:kick go']);
  // Without a receipt: the same, nothing thrown.
  sup.send({ type: 'MESSAGE', text: 'quiet' });
  sup.send({ type: 'DISCONNECT', id: 'live', message: null });
  assert.equal(record.slice(2), ['live:quiet', 'live:kick null']);
});

test('a broadcast filter sees each session\'s id and username', () => {
  const sup = supervisor();
  const record: string[] = [];
  sup.send({ type: 'SESSION_OPENED', session: session(sup, 'a', record, 'ann') });
  sup.send({ type: 'SESSION_OPENED', session: session(sup, 'b', record, 'bob') });
  const seen: string[] = [];
  const receipt: Receipt = { reached: -1 };
  sup.send({ type: 'MESSAGE', text: 'hi bob', filter: (s) => (seen.push(`${s.id}/${s.username}`), s.username === 'bob'), receipt });
  assert.equal(seen, ['a/ann', 'b/bob']);
  assert.is(receipt.reached, 1);
  assert.equal(record, ['b:hi bob']);
});

test('a message the outbox refuses (stopped, or past its bound): reached 0, backlogged said', () => {
  const sup = supervisor();
  const record: string[] = [];
  sup.send({ type: 'SESSION_OPENED', session: session(sup, 'a', record) });
  const ok: Receipt = { reached: -1 };
  sup.send({ type: 'MESSAGE', text: 'before', receipt: ok });
  assert.equal(ok, { reached: 1 });
  sup.getSnapshot().context.outbox.stop();
  const refused: Receipt = { reached: -1 };
  sup.send({ type: 'MESSAGE', text: 'after', receipt: refused });
  assert.equal(refused, { reached: 0, backlogged: true });
  assert.equal(record, ['a:before']);
});

/** Other processes' sessions: ids starting `r-` are theirs; records every call. */
function remoteSessions(options: { tooLarge?: number; delivered?: boolean } = {}) {
  const calls: string[] = [];
  const remote: RemoteSessions = {
    isRemote: (id) => id.startsWith('r-'),
    refusal: (text) => (options.tooLarge !== undefined && text.length > options.tooLarge ? new Error(`too large: ${text.length}`) : null),
    sendTo: (id, text) => (calls.push(`sendTo ${id} ${text}`), options.delivered ?? true),
    broadcast: (text, filter) => void calls.push(`broadcast ${text}${filter ? ' (filtered)' : ''}`),
    disconnect: (id, message) => (calls.push(`disconnect ${id} ${message}`), options.delivered ?? true),
    closeEverywhere: (message) => void calls.push(`closeEverywhere "${message}"`),
  } as RemoteSessions;
  return { remote, calls };
}

test('joined with other processes: a message or disconnect for one of theirs is handed on, counted as it went', () => {
  const sup = supervisor();
  const { remote, calls } = remoteSessions();
  sup.send({ type: 'JOIN_PROCESSES', remote });
  assert.is(sup.getSnapshot().context.remote, remote);
  const record: string[] = [];
  sup.send({ type: 'SESSION_OPENED', session: session(sup, 'local', record) });
  const receipt: Receipt = { reached: -1 };
  sup.send({ type: 'MESSAGE', text: 'hi', to: 'r-1', receipt });
  assert.is(receipt.reached, 1);
  sup.send({ type: 'DISCONNECT', id: 'r-2', message: 'bye', receipt });
  assert.is(receipt.reached, 1);
  sup.send({ type: 'MESSAGE', text: 'mine', to: 'local', receipt });
  assert.is(receipt.reached, 1);
  assert.equal(calls, ['sendTo r-1 hi', 'disconnect r-2 bye']);
  assert.equal(record, ['local:mine']);
  // Without a receipt: handed on all the same.
  sup.send({ type: 'MESSAGE', text: 'quiet', to: 'r-3' });
  sup.send({ type: 'DISCONNECT', id: 'r-4', message: null });
  assert.equal(calls.slice(2), ['sendTo r-3 quiet', 'disconnect r-4 null']);
  assert.is(sup.getSnapshot().status, 'active');
  calls.length = 2;
  // Sent here by another process (`here`): never handed on again, looked for here only.
  const here: Receipt = { reached: -1 };
  sup.send({ type: 'MESSAGE', text: 'back', to: 'r-1', receipt: here, here: true });
  assert.is(here.reached, 0);
  sup.send({ type: 'DISCONNECT', id: 'r-1', message: null, receipt: here, here: true });
  assert.equal(calls.length, 2);
});

test('handed on but not delivered there: reached 0', () => {
  const sup = supervisor();
  const { remote } = remoteSessions({ delivered: false });
  sup.send({ type: 'JOIN_PROCESSES', remote });
  const receipt: Receipt = { reached: -1 };
  sup.send({ type: 'MESSAGE', text: 'hi', to: 'r-1', receipt });
  assert.is(receipt.reached, 0);
  receipt.reached = -1;
  sup.send({ type: 'DISCONNECT', id: 'r-1', message: null, receipt });
  assert.is(receipt.reached, 0);
});

test('joined: a broadcast goes to the other processes and here; too large for them, it goes nowhere and says why', () => {
  const sup = supervisor();
  const { remote, calls } = remoteSessions({ tooLarge: 5 });
  sup.send({ type: 'JOIN_PROCESSES', remote });
  const record: string[] = [];
  sup.send({ type: 'SESSION_OPENED', session: session(sup, 'a', record) });
  const receipt: Receipt = { reached: -1 };
  sup.send({ type: 'MESSAGE', text: 'short', receipt });
  assert.equal(receipt, { reached: 1 });
  sup.send({ type: 'MESSAGE', text: 'short', filter: () => true });
  const refused: Receipt = { reached: -1 };
  sup.send({ type: 'MESSAGE', text: 'longer', receipt: refused });
  assert.is(refused.reached, 0);
  assert.is(refused.refused?.message, 'too large: 6');
  // Too large without a receipt: still nowhere.
  sup.send({ type: 'MESSAGE', text: 'longest' });
  // Too large for the bus but for one session here, or sent from another process: delivered here.
  sup.send({ type: 'MESSAGE', text: 'longer to a', to: 'a' });
  sup.send({ type: 'MESSAGE', text: 'longer here', here: true });
  assert.equal(calls, ['broadcast short', 'broadcast short (filtered)']);
  assert.equal(record, ['a:short', 'a:short', 'a:longer to a', 'a:longer here']);
});

test('JOIN_PROCESSES only before any session; without it nothing is handed on', () => {
  const sup = supervisor();
  const record: string[] = [];
  sup.send({ type: 'SESSION_OPENED', session: session(sup, 'a', record) });
  const { remote, calls } = remoteSessions();
  sup.send({ type: 'JOIN_PROCESSES', remote });
  assert.is(sup.getSnapshot().context.remote, null);
  const receipt: Receipt = { reached: -1 };
  sup.send({ type: 'MESSAGE', text: 'x', to: 'r-1', receipt });
  assert.is(receipt.reached, 0);
  sup.send({ type: 'SHUTDOWN', message: 'bye', everywhere: true });
  assert.equal(calls, []);
  assert.is(sup.getSnapshot().status, 'active', 'everywhere, with no other processes: only here');
  assert.is(sup.getSnapshot().value, 'draining');
});

test('SHUTDOWN everywhere closes the other processes too (with its message, or an empty one); not everywhere, only here', () => {
  const a = supervisor();
  const ra = remoteSessions();
  a.send({ type: 'JOIN_PROCESSES', remote: ra.remote });
  a.send({ type: 'SHUTDOWN', message: null, everywhere: true });
  assert.equal(ra.calls, ['closeEverywhere ""']);
  const b = supervisor();
  const rb = remoteSessions();
  b.send({ type: 'JOIN_PROCESSES', remote: rb.remote });
  b.send({ type: 'SHUTDOWN', message: 'maintenance', everywhere: true });
  assert.equal(rb.calls, ['closeEverywhere "maintenance"']);
  const c = supervisor();
  const rc = remoteSessions();
  c.send({ type: 'JOIN_PROCESSES', remote: rc.remote });
  c.send({ type: 'SHUTDOWN', message: 'here only' });
  assert.equal(rc.calls, []);
  assert.is(c.getSnapshot().status, 'done', 'no sessions: stopped at once');
});

test('the drain: every session told with the message, a newcomer too; stopped when the last has gone', () => {
  const sup = supervisor();
  const record: string[] = [];
  const a = session(sup, 'a', record);
  const b = session(sup, 'b', record);
  sup.send({ type: 'SESSION_OPENED', session: a });
  sup.send({ type: 'SESSION_OPENED', session: b });
  sup.send({ type: 'SHUTDOWN', message: 'closing' });
  assert.is(sup.getSnapshot().value, 'draining');
  assert.equal(record, ['a:shutdown closing', 'b:shutdown closing']);
  assert.equal(open(sup, '1.1.1.1:1'), { admitted: false, refusal: null }, 'neither admitted nor refused');
  const late = session(sup, 'late', record);
  sup.send({ type: 'SESSION_OPENED', session: late });
  assert.equal(record.slice(2), ['late:shutdown closing']);
  assert.equal([...sup.getSnapshot().context.sessions.keys()], ['a', 'b', 'late']);
  a.actor.send({ type: 'END' });
  b.actor.send({ type: 'END' });
  assert.is(sup.getSnapshot().value, 'draining', 'one left');
  late.actor.send({ type: 'END' });
  assert.is(sup.getSnapshot().value, 'stopped');
  assert.is(sup.getSnapshot().status, 'done');
});

test('SESSION_CLOSED for an id never registered changes nothing', () => {
  const sup = supervisor({ keepAliveMs: 1000 });
  sup.send({ type: 'SESSION_OPENED', session: session(sup, 'a') });
  sup.send({ type: 'SESSION_CLOSED', id: 'nobody' });
  assert.equal([...sup.getSnapshot().context.sessions.keys()], ['a']);
  assert.equal(sup.getSnapshot().value, { running: 'ticking' });
  sup.send({ type: 'SESSION_CLOSED', id: 'a' });
  assert.equal(sup.getSnapshot().value, { running: 'quiet' });
});

test('sessionEndAsEvent: a session\'s done or error is SESSION_CLOSED; the ticker\'s own and other events pass as they are', () => {
  const sup = supervisor({ keepAliveMs: 1000 });
  sup.send({ type: 'SESSION_OPENED', session: session(sup, 'a') });
  const snapshot = sup.getSnapshot();
  assert.ok(snapshot.children.ticker);
  const done = { type: 'xstate.done.actor.s1', actorId: 's1' };
  const error = { type: 'xstate.error.actor.s2', actorId: 's2', error: new Error('x') };
  assert.equal(sessionEndAsEvent(snapshot, done), { type: 'SESSION_CLOSED', id: 's1' });
  assert.equal(sessionEndAsEvent(snapshot, error), { type: 'SESSION_CLOSED', id: 's2' });
  const tickerDone = { type: 'xstate.done.actor.ticker', actorId: 'ticker' };
  assert.is(sessionEndAsEvent(snapshot, tickerDone), tickerDone);
  const other = { type: 'xstate.snapshot.s1', actorId: 's1' };
  assert.is(sessionEndAsEvent(snapshot, other), other);
  const plain = { type: 'TICK' };
  assert.is(sessionEndAsEvent(snapshot, plain), plain);
  const numeric = { type: 'xstate.done.actor.7', actorId: 7 };
  assert.is(sessionEndAsEvent(snapshot, numeric), numeric);
});

test.run();
