import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { answerCharsetRequest, charsetFor, encodeText } from '../../src/protocol/charset.js';

test('encodeText: UTF-8 as is; an 8-bit set byte for byte, with ? for what it lacks', () => {
  assert.equal([...encodeText('é€', 'utf-8')], [0xc3, 0xa9, 0xe2, 0x82, 0xac]);
  assert.equal([...encodeText('café €界', 'latin1')], [0x63, 0x61, 0x66, 0xe9, 0x20, 0x3f, 0x3f]);
  assert.equal([...encodeText('café 👍', 'ascii')], [0x63, 0x61, 0x66, 0x3f, 0x20, 0x3f]);
});

test('charset names: any case, aliases of Latin-1, unknown ones refused', () => {
  assert.is(charsetFor('utf-8'), 'utf-8');
  assert.is(charsetFor(' iso-8859-1 '), 'latin1');
  assert.is(charsetFor('windows-1252'), 'latin1');
  assert.is(charsetFor('US-ASCII'), 'ascii');
  assert.is(charsetFor('KOI8-R'), null);
  assert.is(answerCharsetRequest(['KOI8-R', 'latin1']).charset, 'latin1');
});

test.run();
