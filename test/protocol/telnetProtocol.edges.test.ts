// TelnetProtocol at its limits and in the corners the first tests leave: the 64th option change
// answered and the 65th not, exactly 100 debug lines then one note, TTYPE's eight names, NEW-ENVIRON
// sizes at 1 and 9,999 and one past, server echo switched behind a request the client has not
// answered (the clock injected), each option's own follow-up and no other, and the user's options
// without some hooks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_OPTION_CHANGES, ANSWER_TIMEOUT_MS, TelnetProtocol } from '../../src/protocol/telnetProtocol.js';
import { commandName, optionName } from '../../src/protocol/constants.js';
import type { TelnetOption } from '../../src/protocol/telnetOption.js';
import { harness, sb } from '../support/protocolHarness.js';

const IAC = 255, WILL = 251, WONT = 252, DO = 253, DONT = 254, NOP = 241;
const ECHO = 1, SGA = 3, TTYPE = 24, NAWS = 31, NEW_ENVIRON = 39, CHARSET = 42, LOGOUT = 18, BINARY = 0;
const TTYPE_SEND = sb(TTYPE, 1);
const bytes = (...values: number[]) => Uint8Array.from(values);

test(`exactly ${MAX_OPTION_CHANGES} option changes are answered, the next is not; the warning says so once`, () => {
  const { protocol, sent, logLines } = harness();
  const flips: number[] = [];
  for (let i = 0; i < 40; i++) flips.push(IAC, WILL, BINARY, IAC, WONT, BINARY);
  protocol.receive(Uint8Array.from(flips));
  assert.is(sent.length, MAX_OPTION_CHANGES);
  assert.equal(sent[0], [IAC, DO, BINARY]);
  assert.equal(sent[MAX_OPTION_CHANGES - 1], [IAC, DONT, BINARY]);
  const warnings = logLines.filter((line) => line.startsWith('warn'));
  assert.equal(warnings, [`warn ${MAX_OPTION_CHANGES} option changes: further negotiation from this peer is ignored`]);
});

test('debug lines: each option change named; exactly 100 lines, then one note, then silence', () => {
  const { protocol, logLines } = harness();
  protocol.receive(bytes(IAC, WILL, NAWS, IAC, DO, SGA));
  assert.equal(logLines, ['debug remote NAWS on', 'debug local SGA on']);
  const nops: number[] = [];
  for (let i = 0; i < 150; i++) nops.push(IAC, NOP);
  protocol.receive(Uint8Array.from(nops));
  assert.is(logLines.length, 101);
  assert.is(logLines[2], 'debug ignored NOP');
  assert.is(logLines[99], 'debug ignored NOP');
  assert.is(logLines[100], 'debug further protocol debug lines from this peer are suppressed');
});

test('names in log lines: every option and command we know, and a number for the rest', () => {
  const options: Array<[number, string]> = [
    [0, 'BINARY'], [1, 'ECHO'], [3, 'SGA'], [5, 'STATUS'], [6, 'TM'], [24, 'TTYPE'], [25, 'EOR'], [31, 'NAWS'],
    [34, 'LINEMODE'], [39, 'NEW-ENVIRON'], [42, 'CHARSET'], [18, 'LOGOUT'],
  ];
  for (const [code, name] of options) assert.is(optionName(code), name);
  assert.is(optionName(200), 'option 200');
  const commands: Array<[number, string]> = [
    [254, 'DONT'], [253, 'DO'], [252, 'WONT'], [251, 'WILL'], [250, 'SB'], [249, 'GA'], [248, 'EL'], [247, 'EC'],
    [246, 'AYT'], [245, 'AO'], [244, 'IP'], [243, 'BRK'], [242, 'DM'], [241, 'NOP'], [240, 'SE'], [239, 'EOR'], [255, 'IAC'],
  ];
  for (const [code, name] of commands) assert.is(commandName(code), name);
  assert.is(commandName(200), 'command 200');
});

test('each agreed option gets its own follow-up and no other; turning one off sends only the answer', () => {
  const cases: Array<[number[], number[][]]> = [
    [[IAC, WILL, NAWS], [[IAC, DO, NAWS]]],
    [[IAC, DO, SGA], [[IAC, WILL, SGA]]],
    [[IAC, WILL, TTYPE], [[IAC, DO, TTYPE], TTYPE_SEND]],
    [[IAC, WILL, NEW_ENVIRON], [[IAC, DO, NEW_ENVIRON], sb(NEW_ENVIRON, 1, 0, ...Buffer.from('LANG'), 3, ...Buffer.from('LANG'), 0, ...Buffer.from('TERM'), 3, ...Buffer.from('TERM'), 0, ...Buffer.from('COLUMNS'), 3, ...Buffer.from('COLUMNS'), 0, ...Buffer.from('LINES'), 3, ...Buffer.from('LINES'))]],
    [[IAC, DO, CHARSET], [[IAC, WILL, CHARSET], sb(CHARSET, 1, ...Buffer.from(';UTF-8;ISO-8859-1;US-ASCII'))]],
    [[IAC, DO, LOGOUT], [[IAC, WILL, LOGOUT]]],
  ];
  for (const [input, expected] of cases) {
    const { protocol, sent, log } = harness();
    protocol.receive(Uint8Array.from(input));
    assert.equal(sent, expected, JSON.stringify(input));
    assert.is(log.includes('logout'), input[2] === LOGOUT);
  }
  const { protocol, sent } = harness();
  protocol.receive(bytes(IAC, WILL, TTYPE));
  protocol.receive(bytes(IAC, WONT, TTYPE));
  assert.equal(sent, [[IAC, DO, TTYPE], TTYPE_SEND, [IAC, DONT, TTYPE]]);
});

test('AYT is answered; other commands (NOP, GA) are not', () => {
  const { protocol, sent } = harness();
  protocol.receive(bytes(IAC, NOP, IAC, 249));
  assert.equal(sent, []);
});

test('TTYPE: at most eight names; a name the client gives unasked starts no cycle', () => {
  const { protocol, sent, log } = harness();
  protocol.start();
  protocol.receive(bytes(IAC, WILL, TTYPE));
  for (let i = 1; i <= 10; i++) protocol.receive(Uint8Array.from(sb(TTYPE, 0, ...Buffer.from(`CLIENT${i}`))));
  const sends = sent.filter((s) => JSON.stringify(s) === JSON.stringify(TTYPE_SEND));
  assert.is(sends.length, 9, 'the first SEND, then one after each name kept; none after the ninth and tenth');
  assert.equal(protocol.terminalTypes, ['CLIENT1', 'CLIENT2', 'CLIENT3', 'CLIENT4', 'CLIENT5', 'CLIENT6', 'CLIENT7', 'CLIENT8']);
  assert.equal(log.filter((line) => line.startsWith('term')), Array.from({ length: 8 }, () => 'term CLIENT1'));

  const unasked = harness();
  unasked.protocol.receive(Uint8Array.from(sb(TTYPE, 0, ...Buffer.from('XTERM'))));
  assert.equal(unasked.sent, []);
  assert.equal(unasked.log, ['term XTERM', 'negotiated']);
});

test('TTYPE: a VT name with its number is a real terminal, preferred over a client name', () => {
  const { protocol, log } = harness();
  protocol.receive(bytes(IAC, WILL, TTYPE));
  protocol.receive(Uint8Array.from(sb(TTYPE, 0, ...Buffer.from('MUDLET'))));
  protocol.receive(Uint8Array.from(sb(TTYPE, 0, ...Buffer.from('VT100'))));
  protocol.receive(Uint8Array.from(sb(TTYPE, 0, ...Buffer.from('VTX'))));
  assert.equal(log.filter((line) => line.startsWith('term')), ['term MUDLET', 'term VT100', 'term VT100']);
});

test('the prompt waits for the first TTYPE name only, not the rest of the cycle', () => {
  const { protocol, log, sent } = harness();
  protocol.start();
  protocol.receive(bytes(IAC, DO, ECHO, IAC, DO, SGA, IAC, WILL, SGA, IAC, WILL, TTYPE, IAC, WONT, NAWS));
  assert.not.ok(log.includes('negotiated'));
  protocol.receive(Uint8Array.from(sb(TTYPE, 0, ...Buffer.from('XTERM'))));
  assert.equal(sent.at(-1), TTYPE_SEND, 'the second name is asked for');
  assert.ok(log.includes('negotiated'), 'yet the prompt need not wait for it');
});

const env = (pairs: Array<[string, string]>) =>
  Uint8Array.from(sb(NEW_ENVIRON, 0, ...pairs.flatMap(([name, value]) => [0, ...Buffer.from(name), 1, ...Buffer.from(value)])));

test('NEW-ENVIRON sizes: 1 and 9,999 taken; 0 and 10,000 not; TERM cut to 64 characters', () => {
  const sizes: Array<[string, string, string | null]> = [
    ['1', '1', 'size 1x1'],
    ['9999', '9999', 'size 9999x9999'],
    ['0', '24', null],
    ['80', '0', null],
    ['10000', '24', null],
    ['80', '10000', null],
    ['80.5', '24', null],
  ];
  for (const [columns, lines, expected] of sizes) {
    const { protocol, log } = harness();
    protocol.receive(env([['COLUMNS', columns], ['LINES', lines]]));
    assert.equal(log.filter((line) => line.startsWith('size')), expected ? [expected] : [], `${columns}x${lines}`);
  }
  const { protocol, log } = harness();
  protocol.receive(env([['TERM', 'x'.repeat(100)]]));
  assert.equal(log[0], `term ${'x'.repeat(64)}`);
});

test('NAWS of the wrong length is ignored; an unknown subnegotiation is logged and ignored', () => {
  const { protocol, log, logLines } = harness();
  protocol.receive(Uint8Array.from(sb(NAWS, 0, 80, 0)));
  protocol.receive(Uint8Array.from(sb(200, 1, 2)));
  assert.equal(log, []);
  assert.equal(logLines, ['debug ignored subnegotiation of option 200']);
});

test('CHARSET: an accepted name we do not know sets nothing; an unknown message is ignored', () => {
  const { protocol, log, sent } = harness();
  protocol.receive(Uint8Array.from(sb(CHARSET, 2, ...Buffer.from('KOI8-R'))));
  protocol.receive(Uint8Array.from(sb(CHARSET, 9, 1)));
  protocol.receive(Uint8Array.from(sb(CHARSET, 3)));
  assert.equal(log, []);
  assert.equal(sent, []);
});

test('a decoder warning reaches the log as a warning', () => {
  const protocol = harness();
  const p = new TelnetProtocol({ ...sinkOf([]), log: (level, message) => protocol.logLines.push(`${level} ${message}`) }, { maxSubnegotiation: 4 });
  p.receive(Uint8Array.from(sb(NAWS, 1, 2, 3, 4, 5, 6, 7, 8)));
  assert.ok(protocol.logLines.some((line) => line.startsWith('warn ')), protocol.logLines.join('\n'));
});

function sinkOf(sent: number[][], now?: { t: number }) {
  return {
    send: (b: Uint8Array) => void sent.push([...b]),
    data: () => {},
    terminalType: () => {},
    windowSize: () => {},
    environment: () => {},
    charset: () => {},
    logout: () => {},
    negotiated: () => {},
    interrupt: () => {},
    eraseCharacter: () => {},
    eraseLine: () => {},
    echoRefused: () => {},
    log: () => {},
    ...(now ? {} : {}),
  };
}

function clocked() {
  const clock = { t: 1000 };
  const sent: number[][] = [];
  const logLines: string[] = [];
  const protocol = new TelnetProtocol({ ...sinkOf(sent), log: (level, message) => logLines.push(`${level} ${message}`) }, { now: () => clock.t });
  return { protocol, sent, logLines, clock };
}

test('echo off while our WILL ECHO is unanswered: waits up to the answer timeout, then is said', () => {
  const { protocol, sent, logLines, clock } = clocked();
  protocol.start();
  sent.length = 0;
  clock.t = 1100;
  assert.is(protocol.setServerEcho(false), ANSWER_TIMEOUT_MS - 100);
  assert.equal(sent, [], 'nothing said while the WILL may still be answered');
  clock.t = 1000 + ANSWER_TIMEOUT_MS - 1;
  assert.is(protocol.setServerEcho(false), 1);
  assert.equal(sent, []);
  clock.t = 1000 + ANSWER_TIMEOUT_MS;
  assert.is(protocol.setServerEcho(false), 0);
  assert.equal(sent, [[IAC, WONT, ECHO]]);
  assert.ok(logLines.includes(`debug our WILL ECHO unanswered after ${ANSWER_TIMEOUT_MS} ms: taken as settled`), logLines.join('\n'));
  // The WONT is answered: echo on again is said at once.
  protocol.receive(bytes(IAC, DONT, ECHO));
  clock.t += 1;
  assert.is(protocol.setServerEcho(true), 0);
  assert.equal(sent.at(-1), [IAC, WILL, ECHO]);
});

test('echo off answered in time: the queued WONT goes out with the answer, nothing waits', () => {
  const { protocol, sent, clock } = clocked();
  protocol.start();
  sent.length = 0;
  clock.t = 1200;
  assert.is(protocol.setServerEcho(false), ANSWER_TIMEOUT_MS - 200);
  protocol.receive(bytes(IAC, DO, ECHO));
  assert.equal(sent, [[IAC, WONT, ECHO]]);
  clock.t = 1300;
  assert.is(protocol.setServerEcho(false), 0);
  assert.equal(sent, [[IAC, WONT, ECHO]], 'said once');
});

test('echo on behind our unanswered WONT ECHO: said at once (a password prompt cannot wait)', () => {
  const { protocol, sent, logLines, clock } = clocked();
  protocol.start();
  protocol.receive(bytes(IAC, DO, ECHO));
  assert.is(protocol.setServerEcho(false), 0);
  sent.length = 0;
  clock.t = 1010;
  assert.is(protocol.setServerEcho(true), 0);
  assert.equal(sent, [[IAC, WILL, ECHO]]);
  assert.ok(logLines.includes('debug our WONT ECHO unanswered after 10 ms: taken as settled'), logLines.join('\n'));
  // Already as asked: nothing more to say.
  assert.is(protocol.setServerEcho(true), 0);
  assert.equal(sent, [[IAC, WILL, ECHO]]);
});

test("the user's options: hooks left out are fine; off calls disabled, not enabled; accept alone, ask alone", () => {
  const calls: string[] = [];
  const bare: TelnetOption = { option: 201, ask: ['remote'] };
  const hooked: TelnetOption = {
    option: 202,
    accept: ['local'],
    enabled: (side, context) => { calls.push(`on ${side}`); context.log('hello'); },
    disabled: (side) => void calls.push(`off ${side}`),
  };
  const { protocol, sent, logLines } = harness([bare, hooked]);
  protocol.start();
  const opening = sent[0]!;
  assert.equal(opening.slice(-3), [IAC, DO, 201], 'an ask alone is asked at the start');
  assert.not.ok(JSON.stringify(opening).includes('202'), 'an accept alone is not asked');
  protocol.receive(bytes(IAC, WILL, 201, IAC, WONT, 201));
  protocol.receive(Uint8Array.from(sb(201, 7)));
  protocol.receive(bytes(IAC, DO, 202, IAC, DONT, 202));
  assert.equal(calls, ['on local', 'off local']);
  assert.ok(logLines.includes('debug option 202: hello'), logLines.join('\n'));
  // 202 was accepted only for our side: the peer offering it is refused.
  protocol.receive(bytes(IAC, WILL, 202));
  assert.equal(sent.at(-1), [IAC, DONT, 202]);
  assert.is(protocol.negotiationDone, false, 'the opening asks are still unanswered');
});

test("a user's option asked that is also one of ours is asked once", () => {
  const { protocol, sent } = harness([{ option: NAWS, ask: ['remote'] }]);
  protocol.start();
  const text = sent[0]!.join(',');
  assert.is(text.split(`${IAC},${DO},${NAWS}`).length - 1, 1);
});

test.run();
