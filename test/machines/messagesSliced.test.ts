// A large broadcast is delivered a slice per turn of the event loop (MessageOutbox): never the whole
// of it in one turn, in order per session (a message sent meanwhile waits its turn), a session that
// ends before its turn skipped; the count broadcast returns is the sessions it was addressed to.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnyActorRef } from 'xstate';
import { MessageOutbox, type MessageRecipient } from '../../src/machines/messageOutbox.js';
import { createServer } from '../../src/server.js';
import { TelnetHandler } from '../../src/handler.js';
import { silentLogger } from '../../src/logger.js';
import type { TerminalEvents, TerminalTransport } from '../../src/transports/terminalTransport.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A session whose actor records what it is sent and spends `costUs` of CPU per event. */
function fakeSession(id: string, log: string[][], costUs: number) {
  const received: string[] = [];
  log.push(received);
  let status = 'active';
  const actor = {
    getSnapshot: () => ({ status, value: 'shell' }),
    send: (event: { text: string }) => {
      const until = performance.now() + costUs / 1000;
      while (performance.now() < until);
      received.push(event.text);
    },
  } as unknown as AnyActorRef;
  return { recipient: { id, actor } satisfies MessageRecipient, received, leave: () => (status = 'stopped') };
}

test('a broadcast over the budget of one turn goes out over several, in order, skipping those that left', async () => {
  const log: string[][] = [];
  const sessions = Array.from({ length: 400 }, (_, i) => fakeSession(`s${i}`, log, 50));
  const outbox = new MessageOutbox(2);
  // 400 x 50 us = 20 ms of delivery: at 2 ms a turn, about ten turns.
  outbox.send('one', sessions.map((s) => s.recipient));
  const first = sessions.filter((s) => s.received.length > 0).length;
  assert.ok(first > 0, 'the first slice goes at once');
  assert.ok(first < 400, `not all in the turn it was sent (${first})`);
  // Sent while the first is on its way: waits behind it, even for a session the first has not reached.
  outbox.send('two', sessions.map((s) => s.recipient));
  outbox.send('three', [sessions[399]!.recipient]);
  assert.equal(sessions[399]!.received, []);
  sessions[398]!.leave();
  let turns = 0;
  while (outbox.pending > 0) {
    await nextTurn();
    turns++;
    if (turns > 10_000) throw new Error('never delivered');
  }
  assert.ok(turns >= 3, `over several turns (${turns})`);
  for (const [i, session] of sessions.entries()) {
    if (i === 398) continue;
    assert.equal(session.received, i === 399 ? ['one', 'two', 'three'] : ['one', 'two'], `s${i}`);
  }
  assert.equal(sessions[398]!.received, [], 'left before its turn: skipped');
});

test('one turn of the loop delivers a slice, never the whole broadcast (counted per turn: no wall-clock bound)', async () => {
  // A ticker counts the turns of the loop; each session notes the turn it was delivered in.
  let turn = 0;
  let running = true;
  const tick = () => {
    turn++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const perTurn = new Map<number, number>();
  const sessions = Array.from({ length: 10_000 }, (_, i) => {
    const session = fakeSession(`s${i}`, [], 15);
    const send = session.recipient.actor.send.bind(session.recipient.actor);
    (session.recipient.actor as { send: (event: unknown) => void }).send = (event) => {
      perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
      send(event as never);
    };
    return session;
  });
  const outbox = new MessageOutbox(2);
  outbox.send('hello', sessions.map((s) => s.recipient));
  while (outbox.pending > 0) await nextTurn();
  running = false;
  assert.ok(sessions.every((s) => s.received.length === 1));
  // 10,000 x 15 us = 150 ms of delivery; a 2 ms turn holds about 130 (fewer on a busy machine, where
  // the same work takes longer), one clock reading late at most 16 more.
  const most = Math.max(...perTurn.values());
  assert.ok(most <= 1000, `at most ${most} in one turn`);
  assert.ok(perTurn.size >= 10, `spread over ${perTurn.size} turns`);
});

test('deliveries waiting are bounded: at the bound a message is taken, one past it refused; a lone message is always taken', async () => {
  const log: string[][] = [];
  const sessions = Array.from({ length: 100 }, (_, i) => fakeSession(`s${i}`, log, 0));
  // The outbox owns the array it is given (it lets go of each session once delivered): a new one each time.
  const first = (n: number) => sessions.slice(0, n).map((s) => s.recipient);
  // A turn delivers 16 sessions, then reads the clock and finds its budget (0 ms) spent.
  const outbox = new MessageOutbox(0, 150);
  assert.ok(outbox.send('first', first(100)), 'nothing ahead: taken, though it alone is 100 deliveries');
  // 84 wait; 66 more fit exactly, 67 do not.
  assert.not.ok(outbox.send('too many', first(67)), 'one past the bound: refused');
  assert.ok(outbox.send('fits', first(66)), 'at the bound: taken');
  assert.not.ok(outbox.send('one more', first(1)), 'the bound is full: refused again');
  while (outbox.pending > 0) await nextTurn();
  assert.ok(outbox.send('after', first(1)), 'room again once delivered');
  assert.equal(sessions[0]!.received, ['first', 'fits', 'after']);
  assert.equal(sessions[99]!.received, ['first']);
  assert.not.ok(log.flat().some((text) => text === 'too many' || text === 'one more'));
});

test('with nothing on its way, a message is delivered before send returns', () => {
  const log: string[][] = [];
  const one = fakeSession('s1', log, 0);
  const outbox = new MessageOutbox();
  outbox.send('now', [one.recipient]);
  assert.equal(one.received, ['now']);
  assert.is(outbox.pending, 0);
});

// Through the server: sessions over in-memory transports, each recording what it is written.
class Quiet extends TelnetHandler {
  override welcome = 'hi';
}

class MemoryTransport implements TerminalTransport {
  readonly kind = 'telnet' as const;
  readonly remoteAddress: string;
  readonly needsNegotiation = false;
  readonly authenticatedUser = null;
  readonly initialTerminal = {};
  readonly execCommand = null;
  written = '';
  events: TerminalEvents | null = null;
  constructor(n: number) {
    this.remoteAddress = `10.0.${n >> 8}.${n & 255}:4000`;
  }
  attach(events: TerminalEvents): void {
    this.events = events;
  }
  write(text: string): void {
    this.written += text;
  }
  close(): void {
    this.events?.closed();
  }
}

test('server: broadcast returns the sessions addressed; those leaving before their turn are skipped; sendTo keeps its place', async () => {
  const n = 3000;
  const server = createServer(Quiet, { logger: silentLogger, maxSessions: n + 10, maxUnauthenticated: n + 10, maxSessionsPerAddress: 0 });
  const transports = Array.from({ length: n }, (_, i) => new MemoryTransport(i));
  try {
    for (const transport of transports) server.serve(transport);
    for (let i = 0; server.sessions.some((s) => s.state !== 'shell.prompting'); i++) {
      if (i > 3000) throw new Error('sessions never reached the prompt');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const ids = server.sessions.map((s) => s.id);
    assert.is(server.broadcast('first to all'), n, 'counted: every session addressed');
    const lastId = ids[n - 1]!;
    assert.is(server.sendTo(lastId, 'then to the last'), true);
    const reachedAtOnce = transports.filter((t) => t.written.includes('first to all')).length;
    assert.ok(reachedAtOnce < n, `sliced: ${reachedAtOnce} of ${n} in the first turn`);
    // Two that have not had it yet leave now.
    const leaving = [transports[n - 2]!, transports[n - 3]!];
    for (const t of leaving) assert.not.ok(t.written.includes('first to all'));
    for (const t of leaving) t.close();
    for (let i = 0; transports.some((t, j) => j < n - 3 && !t.written.includes('first to all')) || !transports[n - 1]!.written.includes('then to the last'); i++) {
      if (i > 100_000) throw new Error('never delivered');
      await nextTurn();
    }
    for (const t of leaving) assert.not.ok(t.written.includes('first to all'), 'left before its turn: skipped');
    const last = transports[n - 1]!.written;
    assert.ok(last.indexOf('first to all') < last.indexOf('then to the last'), 'in the order sent');
    assert.is(last.split('first to all').length, 2, 'once');
    // The count of a broadcast is the sessions open when it is sent.
    assert.is(server.broadcast('second'), n - 2);
  } finally {
    await server.close({ timeoutMs: 5000 });
  }
});

test.run();
