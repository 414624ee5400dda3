// Subnegotiation payload parsers at their limits, each tested at the exact boundary and one past it:
// NAWS sizes, TTYPE names (length cap, printable range), NEW-ENVIRON (count, name and value caps,
// IS / INFO / SEND, ESC at the very end); the encoder's fast path; the decoder's warning text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseNaws, parseTerminalType, ttypeSendRequest } from '../../src/protocol/subnegotiation.js';
import { environmentSendRequest, parseEnvironment } from '../../src/protocol/environment.js';
import { encodeData, encodeCommand, encodeNegotiation } from '../../src/protocol/encoder.js';
import { TelnetDecoder, type TelnetEvent } from '../../src/protocol/decoder.js';
import { decoderLog } from '../support/decoderLog.js';

const IS = 0, SEND = 1, INFO = 2, VAR = 0, VALUE = 1, ESC = 2, USERVAR = 3;
const text = (value: string) => [...Buffer.from(value, 'latin1')];
const env = (...payload: number[]) => {
  const parsed = parseEnvironment(Uint8Array.from(payload));
  return parsed === null ? null : Object.fromEntries(parsed);
};

test('NAWS: four bytes, big-endian; a zero side or any other length is no size', () => {
  assert.equal(parseNaws(Uint8Array.of(0, 80, 0, 24)), { width: 80, height: 24 });
  assert.equal(parseNaws(Uint8Array.of(1, 2, 3, 4)), { width: 258, height: 772 });
  assert.equal(parseNaws(Uint8Array.of(255, 255, 255, 255)), { width: 65535, height: 65535 });
  assert.equal(parseNaws(Uint8Array.of(0, 1, 0, 1)), { width: 1, height: 1 });
  assert.is(parseNaws(Uint8Array.of(0, 0, 0, 24)), null);
  assert.is(parseNaws(Uint8Array.of(0, 80, 0, 0)), null);
  assert.is(parseNaws(Uint8Array.of(0, 80, 0)), null);
  assert.is(parseNaws(Uint8Array.of(0, 80, 0, 24, 0)), null);
});

test('TTYPE IS: printable ASCII 0x20..0x7e kept, others dropped, trimmed, at most 64 characters', () => {
  assert.is(parseTerminalType(Uint8Array.of(IS, ...text('xterm'))), 'xterm');
  assert.is(parseTerminalType(Uint8Array.of(IS, 0x1f, 0x20, 0x41, 0x7e, 0x7f, 0x80, 0x20)), 'A~');
  assert.is(parseTerminalType(Uint8Array.of(IS, ...text('MTTS 137'))), 'MTTS 137');
  assert.is(parseTerminalType(Uint8Array.of(IS, ...text('x'.repeat(64)))), 'x'.repeat(64));
  assert.is(parseTerminalType(Uint8Array.of(IS, ...text('y'.repeat(65)))), 'y'.repeat(64));
  assert.is(parseTerminalType(Uint8Array.of(IS, 0x41)), 'A', 'a one-letter name');
  assert.is(parseTerminalType(Uint8Array.of(IS)), null, 'IS alone');
  assert.is(parseTerminalType(Uint8Array.of(IS, 0x20, 0x20)), null, 'blanks only: no name');
  assert.is(parseTerminalType(Uint8Array.of(IS, 0x07, 0x1b)), null, 'control bytes only: no name');
  assert.is(parseTerminalType(Uint8Array.of(SEND, ...text('xterm'))), null, 'SEND is a question, not a name');
  assert.is(parseTerminalType(Uint8Array.of()), null);
  assert.equal([...ttypeSendRequest()], [255, 250, 24, SEND, 255, 240]);
});

test('NEW-ENVIRON: IS and INFO parsed, SEND and empty payloads are not answers', () => {
  assert.equal(env(IS, VAR, ...text('A'), VALUE, ...text('1')), { A: '1' });
  assert.equal(env(INFO, USERVAR, ...text('B'), VALUE, ...text('2')), { B: '2' });
  assert.is(env(SEND, VAR, ...text('A')), null);
  assert.is(env(), null);
  assert.equal(env(IS), {});
});

test('NEW-ENVIRON: 32 variables kept, the 33rd dropped', () => {
  const payload = (count: number) => [IS, ...Array.from({ length: count }, (_, i) => [VAR, ...text(`V${i}`), VALUE, ...text('x')]).flat()];
  assert.is(Object.keys(env(...payload(32))!).length, 32);
  const over = env(...payload(33))!;
  assert.is(Object.keys(over).length, 32);
  assert.not.ok('V32' in over);
});

test('NEW-ENVIRON: names cut at 64 bytes, values at 256; shorter ones whole', () => {
  const parsed = env(IS, VAR, ...text('N'.repeat(64)), VALUE, ...text('v'.repeat(256)), VAR, ...text('M'.repeat(65)), VALUE, ...text('w'.repeat(257)))!;
  assert.equal(Object.keys(parsed).map((name) => name.length), [64, 64]);
  assert.is(parsed['N'.repeat(64)], 'v'.repeat(256));
  assert.is(parsed['M'.repeat(64)], 'w'.repeat(256));
});

test('NEW-ENVIRON: ESC as the very last byte is kept as itself; values are UTF-8', () => {
  assert.equal(env(IS, VAR, ...text('AB'), ESC), { 'AB\u0002': '' });
  assert.equal(env(IS, VAR, ...text('L'), VALUE, 0xc3, 0xa9), { L: 'é' });
  assert.equal(env(IS, VAR, ...text('L'), VALUE, ...text('a'), VALUE, ...text('b')), { L: 'b' }, 'a second VALUE starts the value again');
  assert.equal(env(IS, ...text('stray'), VAR, ...text('K')), { K: '' }, 'bytes before any name are dropped');
});

test('NEW-ENVIRON SEND asks each variable as VAR and as USERVAR, never USER', () => {
  const request = [...environmentSendRequest()];
  const expected = [255, 250, 39, SEND];
  for (const name of ['LANG', 'TERM', 'COLUMNS', 'LINES']) expected.push(VAR, ...text(name), USERVAR, ...text(name));
  assert.equal(request, [...expected, 255, 240]);
});

test('encoder: text with nothing to escape is passed through without a copy; commands and negotiation bytes', () => {
  const plain = Uint8Array.from(text('plain text, no escapes'));
  assert.is(encodeData(plain), plain);
  assert.equal([...encodeData('\r\n\n')], [13, 10, 13, 10]);
  assert.equal([...encodeData('\r\r')], [13, 0, 13, 0]);
  assert.equal([...encodeData(Uint8Array.of(255, 255))], [255, 255, 255, 255]);
  assert.equal([...encodeCommand(241)], [255, 241]);
  assert.equal([...encodeNegotiation(251, 1)], [255, 251, 1]);
});

test('decoder: the over-long warning names the option and the cap', () => {
  const warnings: string[] = [];
  new TelnetDecoder({ maxSubnegotiation: 8 }).decode(Uint8Array.of(255, 250, 31, ...new Array<number>(9).fill(1), 255, 240), (event: TelnetEvent) => {
    if (event.type === 'warning') warnings.push(event.message);
  });
  assert.equal(warnings, ['subnegotiation of option 31 over 8 bytes dropped']);
});

test('decoder: CR, an escaped 0xFF, LF: the LF is data; CR, a command, LF: still one newline', () => {
  assert.equal(decoderLog([[13, 255, 255, 10]]), ['data "\\rÿ\\n"']);
  // A command landing between CR and its LF (a keepalive NOP, say) does not make two newlines.
  assert.equal(decoderLog([[13, 255, 241, 10]]), ['data "\\r"', 'command 241']);
});

test('decoder: LF or NUL as the very first byte is data; after CR LF, the next LF is a newline of its own', () => {
  assert.equal(decoderLog([[10, 97]]), ['data "\\na"']);
  assert.equal(decoderLog([[0, 97]]), ['data "\\u0000a"']);
  assert.equal(decoderLog([[13, 10, 10, 98]]), ['data "\\r\\nb"']);
  assert.equal(decoderLog([[13, 0, 0]]), ['data "\\r\\u0000"']);
});

test.run();
