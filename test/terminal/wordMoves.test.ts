// Word moves and word kills (Alt-b, Alt-f, Alt-d, Alt-Backspace; Ctrl/Alt-Left/Right): where a word
// starts and ends, the keys that ask for them, what the editor does with them on the screen, and
// the bound on how far one key walks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyDecoder, type Key } from '../../src/terminal/keys.js';
import { LineEditor } from '../../src/terminal/lineEditor.js';
import { WORD_WALK_LIMIT, wordEndAfter, wordStartBefore } from '../../src/terminal/words.js';

test('a word is letters, digits and marks; anything else separates words', () => {
  const text = 'ls  -la /tmp/x2_y';
  // Backwards from the end: x2 and y are split by the underscore, as readline splits them.
  assert.is(wordStartBefore(text, text.length), 16);
  assert.is(wordStartBefore(text, 16), 13);
  assert.is(wordStartBefore(text, 13), 9);
  assert.is(wordStartBefore(text, 9), 5);
  assert.is(wordStartBefore(text, 5), 0);
  assert.is(wordStartBefore(text, 0), 0);
  // Forwards from the start: each move ends at the end of a word.
  assert.is(wordEndAfter(text, 0), 2);
  assert.is(wordEndAfter(text, 2), 7);
  assert.is(wordEndAfter(text, 7), 12);
  assert.is(wordEndAfter(text, 12), 15);
  assert.is(wordEndAfter(text, 15), 17);
  assert.is(wordEndAfter(text, 17), 17);
  // Letter case, digits at the ASCII edges ('0' '9' 'A' 'Z' 'a' 'z' are in, '/' ':' '@' '[' '`' '{' out).
  assert.is(wordEndAfter('09AZaz/', 0), 6);
  for (const separator of ['/', ':', '@', '[', '`', '{']) assert.is(wordEndAfter(`a${separator}b`, 0), 1, separator);
});

test('accents, combining marks, CJK and astral letters are word characters; emoji and punctuation are not', () => {
  const combining = 'caf\u0065\u0301 ok';
  assert.is(wordEndAfter(combining, 0), 5);
  assert.is(wordStartBefore(combining, 5), 0);
  assert.is(wordEndAfter('élan vital', 0), 4);
  assert.is(wordEndAfter('日本語 x', 0), 3);
  // U+1D49C MATHEMATICAL SCRIPT CAPITAL A is a letter written as a surrogate pair: both halves count.
  const astral = 'a\u{1d49c}b c';
  assert.is(wordEndAfter(astral, 0), 4);
  assert.is(wordStartBefore(astral, 4), 0);
  assert.is(wordStartBefore(astral, 3), 0);
  assert.is(wordEndAfter('a😀b', 0), 1);
  assert.is(wordStartBefore('a😀b', 4), 3);
  assert.is(wordEndAfter('a—b', 0), 1);
  assert.is(wordEndAfter('é— x', 0), 1);
  // '0' is the first digit: a word on its own, not a separator.
  assert.is(wordStartBefore('a 0', 3), 2);
  // Surrogate halves at the edges of their ranges: U+10000 (D800 DC00) is a letter, U+1D7FF (D835 DFFF) a digit.
  assert.is(wordStartBefore('a \u{10000}', 4), 2);
  assert.is(wordEndAfter('\u{10000}b c', 0), 3);
  assert.is(wordEndAfter('\u{1d7ff}b c', 0), 3);
});

test(`one move walks at most ${WORD_WALK_LIMIT} characters: a longer word is crossed in steps`, () => {
  const exact = 'x'.repeat(WORD_WALK_LIMIT);
  assert.is(wordStartBefore(exact, exact.length), 0);
  assert.is(wordEndAfter(exact, 0), WORD_WALK_LIMIT);
  const over = 'x'.repeat(WORD_WALK_LIMIT + 1);
  assert.is(wordStartBefore(over, over.length), 1);
  assert.is(wordEndAfter(over, 0), WORD_WALK_LIMIT);
  // Separators count toward the walk too.
  const spaces = `a${' '.repeat(WORD_WALK_LIMIT)}b`;
  assert.is(wordStartBefore(spaces, spaces.length - 1), spaces.length - 1 - WORD_WALK_LIMIT);
  assert.is(wordEndAfter(spaces, 1), 1 + WORD_WALK_LIMIT);
});

function keys(...chunks: string[]): Key[] {
  const decoder = new KeyDecoder();
  const out: Key[] = [];
  for (const chunk of chunks) decoder.feed(chunk, (key) => out.push(key));
  return out;
}

test('the keys: Alt-b/f/d and Alt-Backspace as ESC + key, Ctrl and Alt arrows, rxvt Ctrl arrows', () => {
  assert.equal(keys('\x1bb\x1bf\x1bd\x1b\x7f\x1b\x08'), [
    { kind: 'wordLeft' }, { kind: 'wordRight' }, { kind: 'killWordRight' }, { kind: 'killWordLeft' }, { kind: 'killWordLeft' },
  ]);
  // The ESC may come in one read and its key in the next (a slow link, a human pressing ESC then b).
  assert.equal(keys('ab\x1b', 'b'), [{ kind: 'text', text: 'ab' }, { kind: 'wordLeft' }]);
  // Ctrl (5) and Alt (3) arrows move by words; Shift (2) and no modifier move by a character.
  assert.equal(keys('\x1b[1;5D\x1b[1;5C\x1b[1;3D\x1b[1;3C'), [
    { kind: 'wordLeft' }, { kind: 'wordRight' }, { kind: 'wordLeft' }, { kind: 'wordRight' },
  ]);
  assert.equal(keys('\x1b[1;2D\x1b[1;2C\x1b[D\x1b[5C'), [{ kind: 'left' }, { kind: 'right' }, { kind: 'left' }, { kind: 'right' }]);
  assert.equal(keys('\x1b[1;5A\x1b[1;5H'), [{ kind: 'up' }, { kind: 'home' }]);
  assert.equal(keys('\x1bOd\x1bOc\x1bOD'), [{ kind: 'wordLeft' }, { kind: 'wordRight' }, { kind: 'left' }]);
  // Other Alt keys still read as the key itself, and upper case B is not Alt-b.
  assert.equal(keys('\x1bx\x1bB'), [{ kind: 'text', text: 'x' }, { kind: 'text', text: 'B' }]);
});

/** An editor whose output is collected as it would reach the wire. */
function editor(width = 80) {
  let wire = '';
  const lines: string[] = [];
  const ed = new LineEditor(
    {
      output: (text) => (wire += text),
      line: (line) => lines.push(line),
      interrupt: () => {},
      interruptCommand: () => {},
      endOfInput: () => {},
      lineTooLong: () => {},
    },
    { terminal: { width, clientEchoes: false, lineMode: false } },
  );
  ed.begin({ prompt: '> ', echo: true, useHistory: true, history: [] });
  const take = () => {
    const out = wire;
    wire = '';
    return out;
  };
  take();
  return { ed, lines, take };
}

test('Alt-b and Alt-f move the cursor by words and send only the cursor move', () => {
  const { ed, take } = editor();
  ed.feed('echo one-two  three');
  take();
  ed.feed('\x1bb');
  assert.is(ed.cursor, 14);
  assert.is(take(), '\x1b[5D');
  ed.feed('\x1bb');
  assert.is(ed.cursor, 9);
  assert.is(take(), '\x1b[5D');
  ed.feed('\x1b[1;5D\x1bb');
  assert.is(ed.cursor, 0);
  ed.feed('\x1bb');
  assert.is(ed.cursor, 0);
  assert.is(take(), '\x1b[4D\x1b[5D');
  ed.feed('\x1bf');
  assert.is(ed.cursor, 4);
  assert.is(take(), '\x1b[4C');
  ed.feed('\x1bf\x1b[1;3C');
  assert.is(ed.cursor, 12);
  ed.feed('\x1bf\x1bf');
  assert.is(ed.cursor, 19);
  assert.is(take(), '\x1b[4C\x1b[4C\x1b[7C');
  assert.is(ed.buffer, 'echo one-two  three');
});

test('Alt-d cuts to the end of the word; Alt-Backspace to its start; the line goes on', () => {
  const { ed, take, lines } = editor();
  ed.feed('echo one two three\x1bb\x1bb\x1bb');
  assert.is(ed.cursor, 5);
  take();
  ed.feed('\x1bd');
  assert.is(ed.buffer, 'echo  two three');
  assert.is(ed.cursor, 5);
  // The rest of the line is drawn again from the cursor, then the cursor goes back.
  assert.is(take(), '\x1b[J two three\x1b[10D');
  ed.feed('\x1bd');
  assert.is(ed.buffer, 'echo  three');
  ed.feed('\x1bf\x1b\x7f');
  assert.is(ed.buffer, 'echo  ');
  ed.feed('\x1b\x7f');
  assert.is(ed.buffer, '');
  // At either end of the line each key does nothing.
  ed.feed('\x1b\x7f\x1bd\x1bb\x1bf');
  assert.is(take().includes('\x1b[J'), true);
  ed.feed('\x1b\x7f\x1bd\x1bb\x1bf');
  assert.is(take(), '');
  ed.feed('abc\x1bb\x1bd\r');
  assert.equal(lines, ['']);
});

test('a word move over a wide or combining character lands on a character start', () => {
  const { ed, take } = editor();
  ed.feed('x 日本 cafe\u0301 y');
  take();
  ed.feed('\x1bb\x1bb');
  assert.is(ed.cursor, 5);
  // Back over "y" (one column), then "café " (6 code units, 5 columns).
  assert.is(take(), '\x1b[1D\x1b[5D');
  ed.feed('\x1bb');
  assert.is(ed.cursor, 2);
  assert.is(take(), '\x1b[5D');
  ed.feed('\x1bf');
  assert.is(ed.cursor, 4);
  assert.is(take(), '\x1b[4C');
});

test('a word longer than the walk limit is crossed in steps; a long line costs one step per key', () => {
  const { ed } = editor();
  const long = 'y'.repeat(100_000);
  ed.feed(`echo ${long}`);
  ed.feed('\x1bb');
  assert.is(ed.cursor, 5 + long.length - WORD_WALK_LIMIT);
  ed.feed('\x1bb');
  assert.is(ed.cursor, 5 + long.length - 2 * WORD_WALK_LIMIT);
  ed.feed('\x1bf');
  assert.is(ed.cursor, 5 + long.length - WORD_WALK_LIMIT);
  ed.feed('\x1b[1;5C');
  assert.is(ed.cursor, 5 + long.length);
  ed.feed('\x1bb\x1bd');
  assert.is(ed.buffer.length, 5 + long.length - WORD_WALK_LIMIT);
});

test.run();
