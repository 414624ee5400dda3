import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OptionTable } from '../../src/protocol/optionTable.js';
import { DO, DONT, ECHO, NAWS, SGA, WILL, WONT } from '../../src/protocol/constants.js';

const table = () => new OptionTable({ local: [ECHO, SGA], remote: [SGA, NAWS] });
const b = (bytes: Uint8Array | null) => (bytes ? [...bytes] : null);

test('peer offers a supported option: agreed once, never answered twice', () => {
  const t = table();
  const first = t.receive(WILL, NAWS);
  assert.equal(b(first.reply), [255, DO, NAWS]);
  assert.equal(first.change, { side: 'remote', option: NAWS, enabled: true });
  const again = t.receive(WILL, NAWS);
  assert.is(again.reply, null);
  assert.is(again.change, null);
});

test('peer offers an unsupported option: refused, state stays NO', () => {
  const t = table();
  assert.equal(b(t.receive(WILL, 99).reply), [255, DONT, 99]);
  assert.equal(b(t.receive(DO, 99).reply), [255, WONT, 99]);
  assert.not.ok(t.isEnabled('remote', 99));
});

test('our request: WANTYES answered yes → YES without reply; answered no → NO', () => {
  const t = table();
  assert.equal(b(t.request('local', ECHO, true)), [255, WILL, ECHO]);
  assert.ok(t.isPending('local', ECHO));
  const yes = t.receive(DO, ECHO);
  assert.is(yes.reply, null);
  assert.ok(yes.settled);
  assert.ok(t.isEnabled('local', ECHO));
  assert.equal(b(t.request('remote', SGA, true)), [255, DO, SGA]);
  const no = t.receive(WONT, SGA);
  assert.is(no.reply, null);
  assert.not.ok(t.isEnabled('remote', SGA));
  assert.not.ok(t.isPending('remote', SGA));
});

test('requests while pending use the queue (RFC 1143 OPPOSITE)', () => {
  const t = table();
  t.request('remote', NAWS, true); // WANTYES
  assert.is(t.request('remote', NAWS, false), null); // queued
  const answer = t.receive(WILL, NAWS); // WANTYES+OPPOSITE: agree then ask to stop
  assert.equal(b(answer.reply), [255, DONT, NAWS]);
  assert.ok(t.isPending('remote', NAWS));
  assert.is(t.receive(WONT, NAWS).reply, null);
  assert.not.ok(t.isEnabled('remote', NAWS));
});

test('disable an agreed option, and a peer that turns it off', () => {
  const t = table();
  t.receive(WILL, SGA);
  assert.equal(b(t.request('remote', SGA, false)), [255, DONT, SGA]);
  assert.is(t.receive(WONT, SGA).reply, null);
  t.receive(WILL, SGA);
  assert.equal(b(t.receive(WONT, SGA).reply), [255, DONT, SGA]);
});

test('a storm of 100,000 flip-flops gives at most one reply per real change, no loop', () => {
  const t = table();
  let replies = 0;
  for (let i = 0; i < 100_000; i++) {
    if (t.receive(i % 2 === 0 ? WILL : WONT, NAWS).reply) replies++;
  }
  // Each WILL from NO is agreed (DO) and each WONT from YES acknowledged (DONT): exactly one each.
  assert.is(replies, 100_000);
  let repeats = 0;
  for (let i = 0; i < 100_000; i++) if (t.receive(WONT, NAWS).reply) repeats++;
  assert.is(repeats, 0);
});

test('tables share one supported set; an option one connection adds stays its own', () => {
  const shared = OptionTable.supportSet({ local: [ECHO], remote: [NAWS] });
  const first = new OptionTable(shared);
  const second = new OptionTable(shared);
  first.support('remote', 201);
  assert.equal(b(first.receive(WILL, 201).reply), [255, DO, 201]);
  assert.equal(b(second.receive(WILL, 201).reply), [255, DONT, 201]);
  assert.equal(b(second.receive(WILL, NAWS).reply), [255, DO, NAWS]);
  // The same option number on the other side is a different option.
  assert.equal(b(first.receive(DO, 201).reply), [255, WONT, 201]);
});

test.run();
