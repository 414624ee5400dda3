// CHARSET (RFC 2066) at its edges: the exact bytes of our REQUEST and of our answers to the peer's,
// every name we know and the session encoding it gives, the peer's messages parsed (ACCEPTED,
// REJECTED, REQUEST with any separator, the unsupported [TTABLE] form, too short, unknown), and the
// 7-bit and 8-bit limits of the byte-for-byte encodings at the boundary and one past it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { answerCharsetRequest, charsetFor, charsetRequest, encodeText, parseCharset } from '../../src/protocol/charset.js';

const IAC = 255, SB = 250, SE = 240, CHARSET = 42;
const REQUEST = 1, ACCEPTED = 2, REJECTED = 3;
const ascii = (text: string) => [...Buffer.from(text, 'latin1')];
const sb = (...payload: number[]) => [IAC, SB, CHARSET, ...payload, IAC, SE];

test('our REQUEST: UTF-8 first, then ISO-8859-1 and US-ASCII, ; as separator', () => {
  assert.equal([...charsetRequest()], sb(REQUEST, ...ascii(';UTF-8;ISO-8859-1;US-ASCII')));
});

test('every name we know, in any case and with blanks around it', () => {
  const known: Array<[string, string]> = [
    ['UTF-8', 'utf-8'],
    ['iso-8859-1', 'latin1'],
    ['ISO_8859-1', 'latin1'],
    ['latin1', 'latin1'],
    ['cp1252', 'latin1'],
    ['Windows-1252', 'latin1'],
    ['us-ascii', 'ascii'],
    [' ASCII\t', 'ascii'],
  ];
  for (const [name, charset] of known) assert.is(charsetFor(name), charset, name);
  for (const name of ['UTF8', 'UTF-16', 'ISO-8859-15', '', 'ASCII-US']) assert.is(charsetFor(name), null, name);
});

test("answers to the peer's REQUEST: UTF-8 wherever it is offered, else the first 8-bit set known", () => {
  assert.equal(answerCharsetRequest(['KOI8-R', 'us-ascii', 'latin1', 'utf-8']), {
    reply: new Uint8Array(sb(ACCEPTED, ...ascii('utf-8'))),
    charset: 'utf-8',
  });
  assert.equal(answerCharsetRequest(['KOI8-R', 'US-ASCII', 'latin1']), {
    reply: new Uint8Array(sb(ACCEPTED, ...ascii('US-ASCII'))),
    charset: 'ascii',
  });
  assert.equal(answerCharsetRequest(['KOI8-R', 'UTF-16']), { reply: new Uint8Array(sb(REJECTED)), charset: null });
  assert.equal(answerCharsetRequest([]), { reply: new Uint8Array(sb(REJECTED)), charset: null });
});

test("the peer's messages: ACCEPTED with its name, REJECTED, REQUEST split on its first byte", () => {
  assert.equal(parseCharset(Uint8Array.from([ACCEPTED, ...ascii('UTF-8')])), { kind: 'accepted', name: 'UTF-8' });
  assert.equal(parseCharset(Uint8Array.from([REJECTED])), { kind: 'rejected' });
  assert.equal(parseCharset(Uint8Array.from([REQUEST, ...ascii(';UTF-8;LATIN1')])), { kind: 'request', names: ['UTF-8', 'LATIN1'] });
  assert.equal(parseCharset(Uint8Array.from([REQUEST, ...ascii(' UTF-8  ASCII ')])), { kind: 'request', names: ['UTF-8', 'ASCII'] });
  // Exactly two characters (a separator and one letter) is the shortest list; one is none.
  assert.equal(parseCharset(Uint8Array.from([REQUEST, ...ascii(';X')])), { kind: 'request', names: ['X'] });
  assert.equal(parseCharset(Uint8Array.from([REQUEST, ...ascii(';')])), { kind: 'request', names: [] });
  assert.equal(parseCharset(Uint8Array.from([REQUEST, ...ascii('[TTABLE] ;UTF-8')])), { kind: 'request', names: [] });
  assert.is(parseCharset(Uint8Array.from([4, 0])), null);
  assert.is(parseCharset(Uint8Array.from([])), null);
});

test('a REQUEST longer than 512 characters is read only so far', () => {
  const long = `;${'A'.repeat(600)}`;
  const parsed = parseCharset(Uint8Array.from([REQUEST, ...ascii(long)]));
  assert.equal(parsed, { kind: 'request', names: ['A'.repeat(511)] });
  const name = parseCharset(Uint8Array.from([ACCEPTED, ...ascii('B'.repeat(600))]));
  assert.equal(name, { kind: 'accepted', name: 'B'.repeat(512) });
});

test('8-bit encodings at their limits: ASCII keeps 0x7f and not 0x80; Latin-1 keeps 0xff and not 0x100', () => {
  assert.equal([...encodeText('\x7f\x80', 'ascii')], [0x7f, 0x3f]);
  assert.equal([...encodeText('\xff\u0100', 'latin1')], [0xff, 0x3f]);
  // A character outside the BMP is one ?, not two.
  assert.equal([...encodeText('a👍b', 'latin1')], [0x61, 0x3f, 0x62]);
  assert.equal([...encodeText('', 'ascii')], []);
});

test.run();
