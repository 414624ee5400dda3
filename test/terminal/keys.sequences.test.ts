// Escape sequences at their edges: the name of an unknown SS3 key with text after it, DEL and space
// inside a CSI sequence, and an unfinished sequence at the end of a read (kept for the next read up to
// 32 characters, dropped past that).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyDecoder, type Key } from '../../src/terminal/keys.js';

function keys(...chunks: string[]): Key[] {
  const decoder = new KeyDecoder();
  const out: Key[] = [];
  for (const chunk of chunks) decoder.feed(chunk, (key) => out.push(key));
  return out;
}

test('an unknown SS3 key is named by its three characters; the text after it is text', () => {
  assert.equal(keys('\x1bOPab'), [{ kind: 'unknown', sequence: '\x1bOP' }, { kind: 'text', text: 'ab' }]);
});

test('DEL inside a CSI sequence is skipped over (the sequence goes on); a space is part of it too', () => {
  assert.equal(keys('\x1b[\x7fA'), [{ kind: 'up' }]);
  assert.equal(keys('\x1b[\x7f', 'B'), [{ kind: 'down' }]);
  assert.equal(keys('\x1b[ @x'), [{ kind: 'unknown', sequence: '\x1b[ @' }, { kind: 'text', text: 'x' }]);
  assert.equal(keys('\x1b[1 q'), [{ kind: 'unknown', sequence: '\x1b[1 q' }]);
});

test('an unfinished sequence after text in the same read waits for the next read', () => {
  const text = 'x'.repeat(30);
  assert.equal(keys(`${text}\x1b[1`, '~'), [{ kind: 'text', text }, { kind: 'home' }]);
});

test('an unfinished sequence of 33 characters at the end of a read is dropped: the next read starts afresh', () => {
  const junk = `\x1b[${'1'.repeat(31)}`;
  assert.is(junk.length, 33);
  assert.equal(keys(junk, 'A'), [{ kind: 'text', text: 'A' }]);
  // One shorter (32) still waits, and its final character ends it.
  assert.equal(keys(junk.slice(0, 32), 'A'), [{ kind: 'up' }]);
  // After text in the same read: counted from the ESC, not from the start of the read.
  assert.equal(keys(`ab${junk}`, 'A'), [{ kind: 'text', text: 'ab' }, { kind: 'text', text: 'A' }]);
});

test.run();
