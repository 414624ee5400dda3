import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decoderLog } from '../support/decoderLog.js';
import { AYT, BRK, DO, DONT, EC, EL, GA, IAC, IP, NAWS, NOP, SB, SE, TTYPE, WILL, WONT } from '../../src/protocol/constants.js';

type Logged = string;

const decode = (chunks: number[][], max?: number): Logged[] => decoderLog(chunks, max);

const bytes = (text: string) => [...Buffer.from(text, 'latin1')];

const CASES: Array<[string, number[], Logged[]]> = [
  ['plain text', bytes('hello'), ['data "hello"']],
  ['IAC IAC is one 0xFF', [65, IAC, IAC, 66], ['data "A\u00ffB"']],
  ['CR LF is one CR', bytes('a\r\nb'), ['data "a\\rb"']],
  ['CR NUL is one CR', [97, 13, 0, 98], ['data "a\\rb"']],
  ['bare CR stays one CR', bytes('a\rb'), ['data "a\\rb"']],
  ['lone LF stays LF', bytes('a\nb'), ['data "a\\nb"']],
  ['CR CR LF is two newlines', bytes('\r\r\n'), ['data "\\r\\r"']],
  ['negotiation', [IAC, WILL, TTYPE, IAC, DO, 1, IAC, WONT, 3, IAC, DONT, 5], [`negotiate ${WILL} 24`, `negotiate ${DO} 1`, `negotiate ${WONT} 3`, `negotiate ${DONT} 5`]],
  ['commands', [IAC, NOP, IAC, AYT, IAC, IP, IAC, BRK, IAC, EC, IAC, EL, IAC, GA], [NOP, AYT, IP, BRK, EC, EL, GA].map((c) => `command ${c}`)],
  ['unknown command byte tolerated', [IAC, 7, 65], ['command 7', 'data "A"']],
  ['stray SE ignored', [IAC, SE, 65], ['data "A"']],
  ['NAWS with IAC IAC inside', [IAC, SB, NAWS, 0, IAC, IAC, 0, 24, IAC, SE], [`sb ${NAWS} [0,255,0,24]`]],
  ['TTYPE IS', [IAC, SB, TTYPE, 0, ...bytes('XTERM'), IAC, SE, 65], [`sb ${TTYPE} [0,88,84,69,82,77]`, 'data "A"']],
  ['IAC + command inside SB ends it', [IAC, SB, TTYPE, 0, 65, IAC, NOP, 66], [`sb ${TTYPE} [0,65]`, `command ${NOP}`, 'data "B"']],
  ['data around commands', [...bytes('ab'), IAC, NOP, ...bytes('cd')], ['data "ab"', `command ${NOP}`, 'data "cd"']],
];

for (const [name, input, expected] of CASES) {
  test(`decoder: ${name}`, () => {
    assert.equal(decode([input]), expected);
  });
  test(`decoder: ${name}, split at every position and byte by byte`, () => {
    for (let cut = 1; cut < input.length; cut++) {
      assert.equal(decode([input.slice(0, cut), input.slice(cut)]), expected, `cut at ${cut}`);
    }
    assert.equal(decode(input.map((b) => [b])), expected);
  });
}

test('decoder: random chunking gives the same events', () => {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  for (let round = 0; round < 200; round++) {
    const input = Array.from({ length: 200 }, () => {
      const r = rand() % 10;
      return r < 2 ? IAC : r < 3 ? 13 : r < 4 ? [SB, SE, WILL, DO, 0, 10][rand() % 6]! : rand() & 255;
    });
    const whole = decode([input]);
    const chunks: number[][] = [];
    for (let i = 0; i < input.length; ) {
      const size = 1 + (rand() % 17);
      chunks.push(input.slice(i, i + size));
      i += size;
    }
    assert.equal(decode(chunks), whole);
  }
});

test('decoder: an over-long subnegotiation is dropped with one warning, without buffering, then decoding resumes', () => {
  const long = [IAC, SB, TTYPE, ...new Array(5000).fill(65), IAC, SE, ...bytes('ok')];
  assert.equal(decode([long], 100), ['warning', 'data "ok"']);
});

test('decoder: an SB that never ends swallows bounded input and emits one warning', () => {
  const log = decode([[IAC, SB, TTYPE], ...Array.from({ length: 100 }, () => new Array(1000).fill(66))], 1024);
  assert.equal(log, ['warning']);
});

test.run();
