// TelnetProtocol: a follow-up belongs to one side of one option (CHARSET is supported both ways; only
// our WILL CHARSET agreed sends our REQUEST), a DONT for another option is no refusal of our echo,
// TTYPE is asked again only when the name answers our SEND, and a real terminal's name counts only at
// the start of a name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { harness, sb } from '../support/protocolHarness.js';

const IAC = 255, WILL = 251, DO = 253, DONT = 254, SB = 250, SE = 240;
const ECHO = 1, SGA = 3, TTYPE = 24, CHARSET = 42;
const SEND = [IAC, SB, TTYPE, 1, IAC, SE].join();

test('the peer\'s WILL CHARSET is agreed with DO and nothing more; our own agreed WILL sends the REQUEST', () => {
  const remote = harness();
  remote.protocol.receive(Uint8Array.from([IAC, WILL, CHARSET]));
  assert.equal(remote.sent, [[IAC, DO, CHARSET]]);
  const local = harness();
  local.protocol.receive(Uint8Array.from([IAC, DO, CHARSET]));
  assert.equal(local.sent[0], [IAC, WILL, CHARSET]);
  assert.is(local.sent.length, 2);
  assert.equal(local.sent[1]!.slice(0, 4), [IAC, SB, CHARSET, 1], 'then our REQUEST');
});

test('DONT for another option while our echo is on is no refusal of the echo; DONT ECHO is', () => {
  const { protocol, log } = harness();
  protocol.start();
  protocol.receive(Uint8Array.from([IAC, DO, ECHO, IAC, DO, SGA]));
  protocol.receive(Uint8Array.from([IAC, DONT, SGA]));
  assert.not.ok(log.includes('echo refused'), log.join('|'));
  protocol.receive(Uint8Array.from([IAC, DONT, ECHO]));
  assert.is(log.filter((line) => line === 'echo refused').length, 1);
});

test('a TTYPE name that comes unasked is kept but not answered with another SEND', () => {
  const { protocol, sent, log } = harness();
  protocol.start();
  protocol.receive(Uint8Array.from([IAC, WILL, TTYPE]));
  protocol.receive(Uint8Array.from(sb(TTYPE, 0, 'MUDLET')));
  protocol.receive(Uint8Array.from(sb(TTYPE, 0, 'MUDLET')));
  const asks = () => sent.filter((bytes) => bytes.join() === SEND).length;
  assert.is(asks(), 2, 'one after WILL, one after the first name; the repeat ends the cycle');
  protocol.receive(Uint8Array.from(sb(TTYPE, 0, 'ANSI')));
  assert.is(asks(), 2, 'unasked: no SEND');
  assert.equal(protocol.terminalTypes, ['MUDLET', 'ANSI']);
  assert.is(log.filter((line) => line.startsWith('term')).at(-1), 'term ANSI');
});

test('a real terminal\'s name counts at the start of a name only: CLIENTSCREEN is a client, VT100 the terminal', () => {
  const { protocol, log } = harness();
  protocol.start();
  protocol.receive(Uint8Array.from([IAC, WILL, TTYPE]));
  protocol.receive(Uint8Array.from(sb(TTYPE, 0, 'CLIENTSCREEN')));
  protocol.receive(Uint8Array.from(sb(TTYPE, 0, 'VT100')));
  assert.equal(log.filter((line) => line.startsWith('term')), ['term CLIENTSCREEN', 'term VT100']);
});

test.run();
