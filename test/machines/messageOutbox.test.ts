// MessageOutbox turn by turn, with the time budget at 0 ms so a turn is exactly one clock reading
// (16 deliveries) and no figure depends on the machine's speed: how many each turn delivers, the
// order across messages and sessions, sessions that left skipped, a message sent from inside a
// delivery, stop() at any point, the bound on waiting deliveries at the bound and one past, the trace.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnyActorRef } from 'xstate';
import { DELIVERY_MS_PER_TURN, MAX_PENDING_DELIVERIES, MessageOutbox, type MessageRecipient } from '../../src/machines/messageOutbox.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Turns of the loop until nothing is pending; a bound, so an outbox that never empties fails fast. */
async function drain(outbox: MessageOutbox): Promise<number> {
  let turns = 0;
  while (outbox.pending > 0) {
    if (++turns > 1000) throw new Error(`still ${outbox.pending} pending after 1,000 turns`);
    await nextTurn();
  }
  return turns;
}

interface Fake {
  recipient: MessageRecipient;
  received: string[];
  leave(): void;
  onSend?: (text: string) => void;
}

function fake(id: string, value: unknown = 'shell.prompting'): Fake {
  let status = 'active';
  const self: Fake = {
    received: [],
    leave: () => (status = 'stopped'),
    recipient: {
      id,
      actor: {
        getSnapshot: () => ({ status, value }),
        send: (event: { type: string; text: string }) => {
          assert.is(event.type, 'MESSAGE');
          self.received.push(event.text);
          self.onSend?.(event.text);
        },
      } as unknown as AnyActorRef,
    },
  };
  return self;
}

const many = (n: number) => Array.from({ length: n }, (_, i) => fake(`s${i}`));
const recipients = (sessions: Fake[]) => sessions.map((s) => s.recipient);
const reached = (sessions: Fake[]) => sessions.filter((s) => s.received.length > 0).length;

test('the defaults: 2 ms a turn, 200,000 deliveries waiting at most', () => {
  assert.is(DELIVERY_MS_PER_TURN, 2);
  assert.is(MAX_PENDING_DELIVERIES, 200_000);
});

test('a budget spent: 16 deliveries a turn, the rest on the next turns, one message pending until the last', async () => {
  const sessions = many(40);
  const outbox = new MessageOutbox(0);
  assert.ok(outbox.send('hello', recipients(sessions)));
  assert.is(reached(sessions), 16);
  assert.is(outbox.pending, 1);
  await nextTurn();
  assert.is(reached(sessions), 32);
  assert.is(outbox.pending, 1);
  await nextTurn();
  assert.is(reached(sessions), 40);
  assert.is(outbox.pending, 0);
  assert.ok(sessions.every((s) => s.received.length === 1 && s.received[0] === 'hello'));
});

test('exactly 16: all in the first turn, none left pending; a message sent before the next turn waits for it', async () => {
  const sessions = many(16);
  const outbox = new MessageOutbox(0);
  outbox.send('one', recipients(sessions));
  assert.is(reached(sessions), 16);
  assert.is(outbox.pending, 0);
  const other = fake('other');
  outbox.send('two', [other.recipient]);
  assert.equal(other.received, [], 'a turn is already scheduled: it goes then');
  assert.is(outbox.pending, 1);
  await nextTurn();
  assert.equal(other.received, ['two']);
  assert.is(outbox.pending, 0);
});

test('15 sessions: all at once and nothing scheduled, so the next message goes at once too (each send its own 15)', () => {
  const sessions = many(15);
  const outbox = new MessageOutbox(0);
  outbox.send('one', recipients(sessions));
  assert.is(outbox.pending, 0);
  outbox.send('two', recipients(sessions));
  assert.ok(sessions.every((s) => s.received.join() === 'one,two'));
  assert.is(outbox.pending, 0);
  // 17 in one send: the clock read at the 16th, the budget spent, the 17th a turn later.
  const seventeen = many(17);
  outbox.send('three', recipients(seventeen));
  assert.is(reached(seventeen), 16);
  assert.is(outbox.pending, 1);
});

test('with time to spare, a whole broadcast goes in the turn it was sent', () => {
  const sessions = many(500);
  const outbox = new MessageOutbox(10_000);
  outbox.send('all', recipients(sessions));
  assert.is(reached(sessions), 500);
  assert.is(outbox.pending, 0);
});

test('messages keep their order for every session across turns; a session that leaves is skipped', async () => {
  const sessions = many(20);
  const outbox = new MessageOutbox(0);
  outbox.send('1', recipients(sessions));
  outbox.send('2', recipients(sessions));
  outbox.send('3', [sessions[19]!.recipient, sessions[0]!.recipient]);
  sessions[18]!.leave();
  sessions[5]!.leave(); // already had '1': skipped for '2'
  await drain(outbox);
  for (const [i, session] of sessions.entries()) {
    const expected = i === 18 ? [] : i === 5 ? ['1'] : i === 19 || i === 0 ? ['1', '2', '3'] : ['1', '2'];
    assert.equal(session.received, expected, `s${i}`);
  }
});

test('a message sent from inside a delivery waits behind the one being delivered', () => {
  const sessions = many(3);
  const outbox = new MessageOutbox(1000);
  sessions[0]!.onSend = (text) => {
    if (text === 'first') outbox.send('reply', recipients(sessions));
  };
  outbox.send('first', recipients(sessions));
  for (const session of sessions) assert.equal(session.received, ['first', 'reply']);
  assert.is(outbox.pending, 0);
});

test('stop: nothing more delivered, from a delivery on or from outside; later sends refused', async () => {
  const sessions = many(40);
  const outbox = new MessageOutbox(0);
  outbox.send('x', recipients(sessions));
  assert.is(reached(sessions), 16);
  outbox.stop();
  assert.is(outbox.pending, 0);
  await nextTurn();
  await nextTurn();
  assert.is(reached(sessions), 16, 'the scheduled turn delivers nothing');
  assert.not.ok(outbox.send('y', recipients(sessions)));
  assert.is(reached(sessions), 16);

  const inside = many(5);
  const box = new MessageOutbox(1000);
  inside[1]!.onSend = () => box.stop();
  box.send('z', recipients(inside));
  assert.equal(inside.map((s) => s.received.length), [1, 1, 0, 0, 0], 'stopped by the second: the third on get nothing');
  assert.is(box.pending, 0);
});

test('nobody to send to: taken, nothing queued (also while a turn is scheduled)', () => {
  const outbox = new MessageOutbox(0);
  assert.ok(outbox.send('nobody', []));
  assert.is(outbox.pending, 0);
  outbox.send('sixteen', recipients(many(16)));
  assert.is(outbox.pending, 0, 'all made; a turn scheduled');
  assert.ok(outbox.send('nobody', []));
  assert.is(outbox.pending, 0);
});

test('a large message sent from inside a delivery is sliced within the same turn\'s budget, and all of it delivered', async () => {
  const trigger = fake('trigger');
  const many40 = many(40);
  const outbox = new MessageOutbox(0);
  trigger.onSend = () => outbox.send('reply', recipients(many40));
  outbox.send('go', [trigger.recipient]);
  // One delivery of 'go', then 15 of 'reply': the clock is read at the 16th of the turn.
  assert.is(reached(many40), 15);
  assert.is(outbox.pending, 1);
  await drain(outbox);
  assert.is(reached(many40), 40);
  assert.ok(many40.every((s) => s.received.join() === 'reply'));
});

test('the bound on waiting deliveries: at the bound taken, one past refused; counted down as they are made', async () => {
  const sessions = many(64);
  const outbox = new MessageOutbox(0, 100);
  // 64 queued, 16 made: 48 wait.
  assert.ok(outbox.send('a', recipients(sessions)));
  // 48 + 53 = 101: one past.
  assert.not.ok(outbox.send('b', recipients(sessions.slice(0, 53))));
  // 48 + 52 = 100: at the bound.
  assert.ok(outbox.send('c', recipients(sessions.slice(0, 52))));
  assert.not.ok(outbox.send('d', [sessions[0]!.recipient]));
  await nextTurn();
  // 16 more made: 84 wait, 16 fit.
  assert.ok(outbox.send('e', recipients(sessions.slice(0, 16))));
  assert.not.ok(outbox.send('f', [sessions[0]!.recipient]));
  await drain(outbox);
  assert.equal(sessions[0]!.received, ['a', 'c', 'e']);
  assert.equal(sessions[63]!.received, ['a']);
  // Everything made: a message as large as the bound fits again, and one larger with nothing ahead.
  assert.ok(outbox.send('g', recipients(many(100))));
  await drain(outbox);
  assert.ok(outbox.send('h', recipients(many(150))));
});

test('skipped sessions count as made for the bound', async () => {
  const sessions = many(40);
  const outbox = new MessageOutbox(0, 30);
  outbox.send('a', recipients(sessions));
  // 24 wait; all of them leave, and are skipped over the next turns.
  for (const session of sessions.slice(16)) session.leave();
  await drain(outbox);
  assert.ok(outbox.send('b', recipients(many(1))), 'nothing ahead');
  const second = new MessageOutbox(0, 30);
  second.send('a', recipients(many(40)));
  assert.ok(second.send('b', recipients(many(6))), '24 + 6 = 30: at the bound');
});

test('the trace is told of each session reached, with the state it met there; not of those that left', async () => {
  const seen: string[] = [];
  const trace = { reached: (id: string, state: string) => void seen.push(`${id} ${state}`) };
  const a = fake('a', { shell: 'prompting' });
  const b = fake('b', 'closing');
  const c = fake('c', { login: { checking: {} } });
  b.leave();
  const outbox = new MessageOutbox(1000);
  outbox.send('t', [a.recipient, b.recipient, c.recipient], trace);
  assert.equal(seen, ['a shell.prompting', 'c login.checking']);
  outbox.send('untraced', [a.recipient]);
  assert.is(seen.length, 2);
});

test('a session delivered to is let go of (the broadcast does not keep it alive)', async () => {
  const sessions = many(20);
  const list = recipients(sessions);
  const outbox = new MessageOutbox(0);
  outbox.send('x', list);
  assert.equal(list.slice(0, 16), new Array(16).fill(undefined));
  assert.ok(list[16], 'not yet delivered: still held');
  await nextTurn();
  assert.equal(list, new Array(20).fill(undefined));
});

test.run();
