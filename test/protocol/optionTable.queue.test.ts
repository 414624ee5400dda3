// RFC 1143's queue, state by state: a request made while the opposite one is still unanswered waits
// in the queue (said on the wire only when the first is answered), a second request cancels it, and
// every answer in every state gives the reply and the state the RFC's table gives. settle() takes an
// unanswered request as done. Bytes are what goes on the wire; states are read through the public API.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OptionTable } from '../../src/protocol/optionTable.js';

const IAC = 255, WILL = 251, WONT = 252, DO = 253, DONT = 254;
const ECHO = 1, SGA = 3, NAWS = 31;
const bytes = (value: Uint8Array | null) => (value ? [...value] : null);

const table = () => new OptionTable({ local: [ECHO, SGA], remote: [NAWS] });

function state(t: OptionTable, side: 'local' | 'remote', option: number) {
  return { enabled: t.isEnabled(side, option), pending: t.isPending(side, option), queued: t.isQueued(side, option) };
}

test('enable while our disable is unanswered: queued, nothing said; the answer sends the enable', () => {
  const t = table();
  t.request('local', ECHO, true);
  t.receive(DO, ECHO);
  assert.equal(bytes(t.request('local', ECHO, false)), [IAC, WONT, ECHO]);
  assert.is(t.request('local', ECHO, true), null);
  assert.equal(state(t, 'local', ECHO), { enabled: false, pending: true, queued: true });
  // Asking again changes nothing: one request waits.
  assert.is(t.request('local', ECHO, true), null);
  assert.equal(state(t, 'local', ECHO), { enabled: false, pending: true, queued: true });
  // The peer's DONT answers our WONT: the queued WILL goes out now.
  const answer = t.receive(DONT, ECHO);
  assert.equal(bytes(answer.reply), [IAC, WILL, ECHO]);
  assert.is(answer.change, null);
  assert.is(answer.settled, false);
  assert.equal(state(t, 'local', ECHO), { enabled: false, pending: true, queued: false });
  assert.equal(t.receive(DO, ECHO), { reply: null, change: { side: 'local', option: ECHO, enabled: true }, settled: true });
});

test('disable while our enable is unanswered: queued; the peer agrees, and the disable goes out at once', () => {
  const t = table();
  assert.equal(bytes(t.request('remote', NAWS, true)), [IAC, DO, NAWS]);
  assert.is(t.request('remote', NAWS, false), null);
  assert.equal(state(t, 'remote', NAWS), { enabled: false, pending: true, queued: true });
  const answer = t.receive(WILL, NAWS);
  assert.equal(bytes(answer.reply), [IAC, DONT, NAWS]);
  assert.is(answer.change, null, 'never on as far as the user can tell');
  assert.equal(state(t, 'remote', NAWS), { enabled: false, pending: true, queued: false });
  assert.equal(t.receive(WONT, NAWS), { reply: null, change: null, settled: true });
  assert.equal(state(t, 'remote', NAWS), { enabled: false, pending: false, queued: false });
});

test('a queued request taken back: the first request stands alone', () => {
  const t = table();
  t.request('remote', NAWS, true);
  t.request('remote', NAWS, false);
  assert.is(t.request('remote', NAWS, true), null);
  assert.equal(state(t, 'remote', NAWS), { enabled: false, pending: true, queued: false });
  assert.equal(t.receive(WILL, NAWS), { reply: null, change: { side: 'remote', option: NAWS, enabled: true }, settled: true });

  const u = table();
  u.request('local', SGA, true);
  u.receive(DO, SGA);
  u.request('local', SGA, false);
  u.request('local', SGA, true);
  assert.is(u.request('local', SGA, false), null);
  assert.equal(state(u, 'local', SGA), { enabled: false, pending: true, queued: false });
  assert.equal(u.receive(DONT, SGA), { reply: null, change: null, settled: true });
  assert.equal(state(u, 'local', SGA), { enabled: false, pending: false, queued: false });
});

test('our enable refused while a disable was queued: off, no reply, the queue emptied', () => {
  const t = table();
  t.request('remote', NAWS, true);
  t.request('remote', NAWS, false);
  assert.equal(t.receive(WONT, NAWS), { reply: null, change: null, settled: true });
  assert.equal(state(t, 'remote', NAWS), { enabled: false, pending: false, queued: false });
});

test('a peer that answers our disable with a positive: taken as refused, or as on when we queued an enable', () => {
  const t = table();
  t.request('local', ECHO, true);
  t.receive(DO, ECHO);
  t.request('local', ECHO, false);
  assert.equal(t.receive(DO, ECHO), { reply: null, change: null, settled: true });
  assert.equal(state(t, 'local', ECHO), { enabled: false, pending: false, queued: false });

  const u = table();
  u.request('local', ECHO, true);
  u.receive(DO, ECHO);
  u.request('local', ECHO, false);
  u.request('local', ECHO, true);
  assert.equal(u.receive(DO, ECHO), { reply: null, change: { side: 'local', option: ECHO, enabled: true }, settled: true });
  assert.equal(state(u, 'local', ECHO), { enabled: true, pending: false, queued: false });
});

test('negatives: for an option that is off, ignored; the peer turning ours off is acknowledged', () => {
  const t = table();
  assert.equal(t.receive(DONT, ECHO), { reply: null, change: null, settled: true });
  assert.equal(t.receive(WONT, NAWS), { reply: null, change: null, settled: true });
  t.receive(WILL, NAWS);
  assert.equal(bytes(t.receive(WONT, NAWS).reply), [IAC, DONT, NAWS]);
  assert.equal(state(t, 'remote', NAWS), { enabled: false, pending: false, queued: false });
});

test('local and remote sides of one option are separate', () => {
  const t = new OptionTable({ local: [ECHO], remote: [ECHO] });
  t.request('local', ECHO, true);
  assert.equal(state(t, 'remote', ECHO), { enabled: false, pending: false, queued: false });
  assert.equal(bytes(t.receive(WILL, ECHO).reply), [IAC, DO, ECHO]);
  assert.equal(state(t, 'remote', ECHO), { enabled: true, pending: false, queued: false });
  assert.equal(state(t, 'local', ECHO), { enabled: false, pending: true, queued: false });
  // Each side of each option is its own: local ECHO on leaves every remote option as it was.
  t.receive(DO, ECHO);
  assert.is(t.isEnabled('local', ECHO), true);
  for (let option = 0; option < 256; option++) assert.is(t.isEnabled('remote', option), option === ECHO, `remote ${option}`);
});

test('settle: an unanswered enable is taken as on, an unanswered disable as off, the queue dropped', () => {
  const t = table();
  t.request('local', ECHO, true);
  t.request('local', ECHO, false);
  t.settle('local', ECHO);
  assert.equal(state(t, 'local', ECHO), { enabled: true, pending: false, queued: false });
  assert.equal(bytes(t.request('local', ECHO, false)), [IAC, WONT, ECHO]);
  t.request('local', ECHO, true);
  t.settle('local', ECHO);
  assert.equal(state(t, 'local', ECHO), { enabled: false, pending: false, queued: false });
  assert.equal(bytes(t.request('local', ECHO, true)), [IAC, WILL, ECHO]);
  // A settled option is left as it is.
  t.receive(DO, ECHO);
  t.settle('local', ECHO);
  assert.equal(state(t, 'local', ECHO), { enabled: true, pending: false, queued: false });
  t.settle('remote', NAWS);
  assert.equal(state(t, 'remote', NAWS), { enabled: false, pending: false, queued: false });
});

test.run();
