// Corners of the codec and the negotiation engine, as table cases (bytes in; events, replies out):
// RFC 1143 for options the server performs, TIMING-MARK offered unasked, TTYPE and NEW-ENVIRON
// payloads at their edges, and an over-long subnegotiation that must not swallow the stream.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decoderLog } from '../support/decoderLog.js';
import { harness, sb } from '../support/protocolHarness.js';
import { DEFAULT_MAX_SUBNEGOTIATION } from '../../src/protocol/decoder.js';

const IAC = 255, SB = 250, SE = 240, WILL = 251, WONT = 252, DO = 253, DONT = 254, NOP = 241;
const ECHO = 1, SGA = 3, TM = 6, TTYPE = 24, NAWS = 31, NEW_ENVIRON = 39;
const ENV_IS = 0, ENV_VAR = 0, ENV_VALUE = 1, ENV_ESC = 2, ENV_USERVAR = 3;
const text = (value: string) => [...Buffer.from(value, 'latin1')];

// ---- decoder ------------------------------------------------------------------------------------

const overLong = [IAC, SB, TTYPE, ...new Array<number>(DEFAULT_MAX_SUBNEGOTIATION + 1).fill(0x41)];
const atCap = [IAC, SB, TTYPE, ...new Array<number>(DEFAULT_MAX_SUBNEGOTIATION).fill(0x41)];
const tail = [IAC, NOP, ...text('hi'), IAC, WILL, ECHO];

const DECODER_CASES: Array<[string, number[], string[]]> = [
  ['over the SB cap, IAC + command ends the skip and is handled, with all that follows', [...overLong, ...tail],
    ['warning', `command ${NOP}`, 'data "hi"', `negotiate ${WILL} ${ECHO}`]],
  ['at the SB cap exactly, the same bytes keep the subnegotiation', [...atCap, ...tail],
    [`sb ${TTYPE} [${atCap.slice(3).join(',')}]`, `command ${NOP}`, 'data "hi"', `negotiate ${WILL} ${ECHO}`]],
  ['over the SB cap, IAC IAC is skipped payload and IAC SE ends the skip', [...overLong, IAC, IAC, 0x42, IAC, SE, ...text('ok')],
    ['warning', 'data "ok"']],
  ['over the SB cap, IAC SB starts a new subnegotiation that is kept', [...overLong, IAC, SB, NAWS, 0, 80, 0, 24, IAC, SE],
    ['warning', `sb ${NAWS} [0,80,0,24]`]],
  ['over the SB cap, IAC DO ends the skip: the negotiation is seen', [...overLong, IAC, DO, SGA, ...text('x')],
    ['warning', `negotiate ${DO} ${SGA}`, 'data "x"']],
  ['TTYPE IS with an empty name is an empty payload after IS', sb(TTYPE, 0), [`sb ${TTYPE} [0]`]],
  ['an empty subnegotiation', [IAC, SB, TTYPE, IAC, SE, ...text('a')], [`sb ${TTYPE} []`, 'data "a"']],
  ['NEW-ENVIRON with ESC-quoted bytes keeps the ESC for the parser', sb(NEW_ENVIRON, ENV_IS, ENV_VAR, 0x41, ENV_ESC, ENV_VALUE, 0x42),
    [`sb ${NEW_ENVIRON} [0,0,65,2,1,66]`]],
];

for (const [name, input, expected] of DECODER_CASES) {
  test(`decoder: ${name}`, () => {
    assert.equal(decoderLog([input]), expected);
  });
  test(`decoder: ${name}; cut anywhere in the last 24 bytes, and byte by byte`, () => {
    for (let cut = Math.max(1, input.length - 24); cut < input.length; cut++) {
      assert.equal(decoderLog([input.slice(0, cut), input.slice(cut)]), expected, `cut at ${cut}`);
    }
    assert.equal(decoderLog(input.map((byte) => [byte])), expected);
  });
}

test('decoder: the skip keeps nothing: the warning comes once however long the SB goes on', () => {
  let warnings = 0;
  decoderLog([overLong, ...Array.from({ length: 64 }, () => new Array<number>(4096).fill(0x41)), tail], undefined, (event) => {
    if (event.type === 'warning') warnings++;
    if (event.type === 'subnegotiation') assert.unreachable('nothing of the skipped SB comes out');
  });
  assert.is(warnings, 1);
});

// ---- negotiation engine -------------------------------------------------------------------------

/** [name, start the opening first?, steps of (bytes in, replies expected for exactly these bytes)]. */
const PROTOCOL_CASES: Array<[string, boolean, Array<[number[], number[]]>]> = [
  ['ECHO, which we asked for: DO agrees silently, a repeated DO stays silent, DONT is answered WONT, a repeated DONT silent', true, [
    [[IAC, DO, ECHO], []],
    [[IAC, DO, ECHO], []],
    [[IAC, DONT, ECHO], [IAC, WONT, ECHO]],
    [[IAC, DONT, ECHO], []],
  ]],
  ['SGA, unasked: DO answered WILL once, repeated DO silent, DONT answered WONT, then DO agreed again', false, [
    [[IAC, DO, SGA], [IAC, WILL, SGA]],
    [[IAC, DO, SGA], []],
    [[IAC, DONT, SGA], [IAC, WONT, SGA]],
    [[IAC, DONT, SGA], []],
    [[IAC, DO, SGA], [IAC, WILL, SGA]],
  ]],
  ['an option we do not perform: each DO refused WONT, DONT silent', false, [
    [[IAC, DO, 77], [IAC, WONT, 77]],
    [[IAC, DONT, 77], []],
  ]],
  ['TIMING-MARK offered unasked (WILL TM) is answered DONT TM; WONT TM needs nothing; DO TM is marked WILL TM', false, [
    [[IAC, WILL, TM], [IAC, DONT, TM]],
    [[IAC, WILL, TM], [IAC, DONT, TM]],
    [[IAC, WONT, TM], []],
    [[IAC, DO, TM], [IAC, WILL, TM]],
  ]],
  ['an unknown WILL is refused DONT, like WILL TM', false, [
    [[IAC, WILL, 77], [IAC, DONT, 77]],
  ]],
];

for (const [name, start, steps] of PROTOCOL_CASES) {
  test(`protocol: ${name}`, () => {
    const { protocol, sent } = harness();
    if (start) protocol.start();
    steps.forEach(([input, expected], step) => {
      sent.length = 0;
      protocol.receive(Uint8Array.from(input));
      assert.equal(sent.flat(), expected, `step ${step + 1}: ${input.join(' ')}`);
    });
  });
}

test('protocol: TTYPE IS with an empty name is no terminal type, is not asked again, and does not hold up the prompt', () => {
  const { protocol, log, sent } = harness();
  protocol.start();
  protocol.receive(Uint8Array.from([IAC, DO, ECHO, IAC, DO, SGA, IAC, WILL, SGA, IAC, WONT, NAWS, IAC, WILL, TTYPE]));
  assert.equal(sent.at(-1), sb(TTYPE, 1), 'SEND asked');
  assert.not.ok(log.includes('negotiated'), 'the prompt waits for the first TTYPE IS');
  const asked = sent.length;
  protocol.receive(Uint8Array.from(sb(TTYPE, 0)));
  assert.equal(log.filter((line) => line.startsWith('term') || line === 'negotiated'), ['negotiated']);
  assert.is(sent.length, asked, 'no second SEND for an empty name');
  assert.equal(protocol.terminalTypes, []);
  protocol.receive(Uint8Array.from(sb(TTYPE, 0, ...text('  '))));
  assert.equal(protocol.terminalTypes, [], 'blanks only: no name either');
});

const ENVIRONMENT_CASES: Array<[string, number[], string | null]> = [
  ['zero parts (IS alone): no environment at all', [ENV_IS], null],
  ['an empty USERVAR: nothing', [ENV_IS, ENV_USERVAR], null],
  ['an empty VAR with a value: dropped, the next variable kept', [ENV_IS, ENV_VAR, ENV_VALUE, ...text('x'), ENV_USERVAR, ...text('LANG'), ENV_VALUE, ...text('C')], '{"LANG":"C"}'],
  ['ESC inside a name quotes VALUE, ESC and USERVAR', [ENV_IS, ENV_VAR, 0x41, ENV_ESC, ENV_VALUE, 0x42, ENV_ESC, ENV_ESC, ENV_ESC, ENV_USERVAR, ENV_VALUE, ...text('v')], '{"A\\u0001B\\u0002\\u0003":"v"}'],
  ['ESC inside a value', [ENV_IS, ENV_USERVAR, ...text('X'), ENV_VALUE, ENV_ESC, ENV_VAR, ENV_ESC, ENV_VALUE], '{"X":"\\u0000\\u0001"}'],
  ['a name without VALUE is defined but empty', [ENV_IS, ENV_USERVAR, ...text('EMPTY')], '{"EMPTY":""}'],
];

for (const [name, payload, expected] of ENVIRONMENT_CASES) {
  test(`protocol: NEW-ENVIRON IS, ${name}`, () => {
    const { protocol, log } = harness();
    protocol.receive(Uint8Array.from(sb(NEW_ENVIRON, ...payload)));
    assert.equal(log.filter((line) => line.startsWith('env ')), expected === null ? [] : [`env ${expected}`]);
  });
}

test.run();
