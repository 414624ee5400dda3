// ECHO with clients that leave our requests unanswered (TinTin++ never answers WONT ECHO): the WILL
// ECHO that hides a password must still go out, and negotiation must still converge (RFC 1143).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ANSWER_TIMEOUT_MS, TelnetProtocol } from '../../src/protocol/telnetProtocol.js';
import { OptionTable } from '../../src/protocol/optionTable.js';

const IAC = 255, WILL = 251, WONT = 252, DO = 253, DONT = 254, ECHO = 1;

function harness() {
  const clock = { now: 5000 };
  const sent: number[][] = [];
  const noop = () => {};
  const protocol = new TelnetProtocol(
    {
      send: (bytes) => sent.push([...bytes]),
      data: noop, terminalType: noop, windowSize: noop, negotiated: noop, interrupt: noop,
      eraseCharacter: noop, eraseLine: noop, environment: noop, charset: noop, logout: noop, log: noop, echoRefused: noop,
    },
    { now: () => clock.now },
  );
  protocol.start();
  /** Every ECHO negotiation we sent, in order, as 'WILL' / 'WONT'. */
  const echoes = () => sent.flatMap((bytes) => {
    const out: string[] = [];
    for (let i = 0; i + 2 < bytes.length; i++) if (bytes[i] === IAC && bytes[i + 2] === ECHO && (bytes[i + 1] === WILL || bytes[i + 1] === WONT)) out.push(bytes[i + 1] === WILL ? 'WILL' : 'WONT');
    return out;
  });
  return { protocol, clock, sent, echoes, receive: (...bytes: number[]) => protocol.receive(Uint8Array.from(bytes)) };
}

test('TinTin++: DO ECHO, then our WONT ECHO is never answered; WILL ECHO at the password prompt still goes out at once', () => {
  const { protocol, echoes, receive } = harness();
  receive(IAC, DO, ECHO);
  assert.is(protocol.setServerEcho(false), 0);
  assert.equal(echoes(), ['WILL', 'WONT']);
  // No DONT ECHO comes. The password prompt, right away (no time passes):
  assert.is(protocol.setServerEcho(true), 0, 'nothing to wait for');
  assert.equal(echoes(), ['WILL', 'WONT', 'WILL'], 'WILL ECHO sent: the client hides the password');
  // And back at the command prompt, its DO ECHO in: WONT again.
  receive(IAC, DO, ECHO);
  assert.is(protocol.setServerEcho(false), 0);
  assert.equal(echoes(), ['WILL', 'WONT', 'WILL', 'WONT']);
  // passwd: the second unanswered WONT, and the second WILL.
  assert.is(protocol.setServerEcho(true), 0);
  assert.equal(echoes(), ['WILL', 'WONT', 'WILL', 'WONT', 'WILL']);
});

test('a client that does answer, late: the DONT meant for our WONT and the DO for our WILL still converge on YES, no loop', () => {
  const { protocol, echoes, sent, receive } = harness();
  receive(IAC, DO, ECHO);
  protocol.setServerEcho(false);
  protocol.setServerEcho(true);
  assert.equal(echoes(), ['WILL', 'WONT', 'WILL']);
  receive(IAC, DONT, ECHO); // answer to the WONT, taken as a refusal of the WILL
  receive(IAC, DO, ECHO); // answer to the WILL: agreed again
  assert.equal(echoes(), ['WILL', 'WONT', 'WILL', 'WILL'], 'one WILL more, then quiet');
  const count = sent.length;
  receive(IAC, DO, ECHO);
  receive(IAC, DO, ECHO);
  assert.is(sent.length, count, 'repeats are not answered');
});

test('behind an unanswered WILL ECHO, WONT waits ANSWER_TIMEOUT_MS for the answer, then is said', () => {
  const { protocol, clock, echoes, receive } = harness();
  // The opening WILL ECHO is never answered; the client is a MUD client: echo off wanted.
  clock.now += 100;
  assert.is(protocol.setServerEcho(false), ANSWER_TIMEOUT_MS - 100, 'call again when the answer is overdue');
  assert.equal(echoes(), ['WILL'], 'queued (RFC 1143), nothing said yet');
  clock.now += ANSWER_TIMEOUT_MS - 101;
  assert.is(protocol.setServerEcho(false), 1, 'one ms before the timeout: still waiting');
  clock.now += 1;
  assert.is(protocol.setServerEcho(false), 0);
  assert.equal(echoes(), ['WILL', 'WONT'], 'at the timeout: the WILL is taken as agreed and WONT said');
  // A late DO (answer to the first WILL) while WANTNO: taken as refused, and nothing more is said.
  receive(IAC, DO, ECHO);
  assert.equal(echoes(), ['WILL', 'WONT']);
});

test('an answer in time makes the queued change go out with no timeout at all', () => {
  const { protocol, clock, echoes, receive } = harness();
  assert.is(protocol.setServerEcho(false), ANSWER_TIMEOUT_MS);
  clock.now += 10;
  receive(IAC, DO, ECHO); // WANTYES + queued WONT: RFC 1143 sends the WONT now
  assert.equal(echoes(), ['WILL', 'WONT']);
  receive(IAC, DONT, ECHO);
  assert.is(protocol.setServerEcho(true), 0);
  assert.equal(echoes(), ['WILL', 'WONT', 'WILL']);
});

test('OptionTable.settle: WANTNO becomes NO, WANTYES becomes YES, the queue bit goes; settled states stay', () => {
  const table = new OptionTable({ local: [ECHO], remote: [] });
  table.request('local', ECHO, true);
  table.request('local', ECHO, false);
  assert.ok(table.isQueued('local', ECHO));
  table.settle('local', ECHO);
  assert.ok(table.isEnabled('local', ECHO));
  assert.not.ok(table.isQueued('local', ECHO));
  assert.not.ok(table.isPending('local', ECHO));
  table.settle('local', ECHO);
  assert.ok(table.isEnabled('local', ECHO), 'YES stays YES');
  table.request('local', ECHO, false);
  table.request('local', ECHO, true);
  assert.ok(table.isQueued('local', ECHO));
  table.settle('local', ECHO);
  assert.not.ok(table.isEnabled('local', ECHO));
  assert.not.ok(table.isPending('local', ECHO));
  assert.equal([...(table.request('local', ECHO, true) ?? [])], [IAC, WILL, ECHO], 'the next request is said on the wire');
});

test.run();
