// Terminal input to keys at the edges: which LF is an Enter (first on a connection, after text,
// after a control key; never right after CR), NUL dropped, Alt-key, the rxvt Home/End codes, SS3 keys
// split across reads, unknown and over-long sequences, a control character inside a sequence, and
// multi-digit parameters not mistaken for one-digit keys.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyDecoder, type Key } from '../../src/terminal/keys.js';

function keys(...chunks: string[]): Key[] {
  const decoder = new KeyDecoder();
  const out: Key[] = [];
  for (const chunk of chunks) decoder.feed(chunk, (key) => out.push(key));
  return out;
}

const ENTER = { kind: 'enter' };

test('LF is Enter first on a connection, after text and after a control key; not right after CR', () => {
  assert.equal(keys('\n'), [ENTER]);
  assert.equal(keys('\rx\n'), [ENTER, { kind: 'text', text: 'x' }, ENTER]);
  assert.equal(keys('\t\n'), [{ kind: 'tab' }, ENTER]);
  assert.equal(keys('\r\n\n'), [ENTER, ENTER]);
  assert.equal(keys('\r', '\n', 'a'), [ENTER, { kind: 'text', text: 'a' }]);
  assert.equal(keys('\x03\n'), [{ kind: 'ctrl', letter: 'c' }, ENTER]);
});

test('NUL is dropped; other control characters are ctrl keys', () => {
  assert.equal(keys('a\0b'), [{ kind: 'text', text: 'a' }, { kind: 'text', text: 'b' }]);
  assert.equal(keys('\x01\x1a'), [{ kind: 'ctrl', letter: 'a' }, { kind: 'ctrl', letter: 'z' }]);
});

test('ESC + key (Alt-key) at the start of a read: the key as itself, nothing left waiting', () => {
  assert.equal(keys('\x1bx'), [{ kind: 'text', text: 'x' }]);
  assert.equal(keys('\x1bx', 'y'), [{ kind: 'text', text: 'x' }, { kind: 'text', text: 'y' }]);
});

test('rxvt Home and End (ESC [7~, ESC [8~) as well as ESC [1~ and ESC [4~', () => {
  assert.equal(keys('\x1b[7~\x1b[8~\x1b[1~\x1b[4~\x1b[3~'), [
    { kind: 'home' }, { kind: 'end' }, { kind: 'home' }, { kind: 'end' }, { kind: 'delete' },
  ]);
  assert.equal(keys('\x1b[1;5~\x1b[3;2~'), [{ kind: 'home' }, { kind: 'delete' }]);
});

test('a two-digit parameter is its own key: F5 (ESC [15~) is not Home', () => {
  assert.equal(keys('\x1b[15~'), [{ kind: 'unknown', sequence: '\x1b[15~' }]);
  assert.equal(keys('\x1b[34~'), [{ kind: 'unknown', sequence: '\x1b[34~' }]);
});

test('SS3 keys (ESC O A) whole or split after the O; an unknown one named', () => {
  assert.equal(keys('\x1bOA\x1bOF'), [{ kind: 'up' }, { kind: 'end' }]);
  assert.equal(keys('\x1bO', 'B'), [{ kind: 'down' }]);
  assert.equal(keys('\x1b', 'O', 'H'), [{ kind: 'home' }]);
  assert.equal(keys('\x1bOP'), [{ kind: 'unknown', sequence: '\x1bOP' }]);
});

test('ESC O before another ESC is junk; the sequence after it is still read as its key', () => {
  assert.equal(keys('\x1bO\x1b[A'), [{ kind: 'unknown', sequence: '\x1bO' }, { kind: 'up' }]);
  assert.equal(keys('\x1bO', '\x1b[999999999A'), [{ kind: 'unknown', sequence: '\x1bO' }, { kind: 'up' }]);
  assert.equal(keys('\x1bO\r'), [{ kind: 'unknown', sequence: '\x1bO' }, ENTER]);
});

test('an OSC string (ESC ] ... BEL or ESC \\) is one unknown sequence, never keys or text, whole or split', () => {
  assert.equal(keys('\x1b]0;title\x07ab'), [{ kind: 'unknown', sequence: '\x1b]0;title\x07' }, { kind: 'text', text: 'ab' }]);
  assert.equal(keys('\x1b]11;rgb:0/0/0\x1b\\x'), [{ kind: 'unknown', sequence: '\x1b]11;rgb:0/0/0\x1b\\' }, { kind: 'text', text: 'x' }]);
  assert.equal(keys('\x1b]0;ti', 'tle', '\x07'), [{ kind: 'unknown', sequence: '\x1b]0;title\x07' }]);
  assert.equal(keys('\x1b]0;t\x1b', '\\'), [{ kind: 'unknown', sequence: '\x1b]0;t\x1b\\' }]);
  // Another ESC ends it and is read as its own key.
  assert.equal(keys('\x1b]0;t\x1b[B'), [{ kind: 'unknown', sequence: '\x1b]0;t' }, { kind: 'down' }]);
  // Past 32 characters it is junk up to there; what follows is text, as for a CSI.
  const long = `\x1b]${'x'.repeat(40)}\x07`;
  assert.equal(keys(long), [{ kind: 'unknown', sequence: long.slice(0, 33) }, { kind: 'text', text: 'x'.repeat(9) }, { kind: 'ctrl', letter: 'g' }]);
  // ESC P stays Alt-P (the P read as itself), as a user may type it.
  assert.equal(keys('\x1bPx'), [{ kind: 'text', text: 'Px' }]);
});

test('unknown CSI keys are named whole, the text after them read as text', () => {
  assert.equal(keys('\x1b[Zab'), [{ kind: 'unknown', sequence: '\x1b[Z' }, { kind: 'text', text: 'ab' }]);
  assert.equal(keys('\x1b[@'), [{ kind: 'unknown', sequence: '\x1b[@' }]);
  assert.equal(keys('\x1b[1;2', 'C'), [{ kind: 'right' }]);
});

test('a control character inside a sequence ends it as unknown; the control is still read', () => {
  assert.equal(keys('\x1b[1\x03'), [{ kind: 'unknown', sequence: '\x1b[1' }, { kind: 'ctrl', letter: 'c' }]);
  assert.equal(keys('\x1b[\r'), [{ kind: 'unknown', sequence: '\x1b[' }, ENTER]);
});

test('a sequence past 32 characters is junk: named unknown, and reading goes on', () => {
  const long = `\x1b[${'1'.repeat(40)}`;
  const out = keys(`${long}A`);
  assert.equal(out[0], { kind: 'unknown', sequence: long.slice(0, 33) });
  assert.equal(out.slice(1), [{ kind: 'text', text: `${'1'.repeat(9)}A` }]);
  // Exactly 32 characters after ESC still waits for its end.
  const edge = `\x1b[${'1'.repeat(30)}`;
  assert.equal(keys(edge, '~'), [{ kind: 'unknown', sequence: `${edge}~` }]);
});

test.run();
