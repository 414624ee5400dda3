// Word wrapping at its edges: wide characters that fit by count but not by columns, an indent as wide
// as the row, spaces at the end and start of a line, a row too narrow for one wide character, and
// a line of spaces only. Each case is the rows a user sees on a terminal `width` columns wide.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { wordWrap } from '../../src/shell/wordWrap.js';
import { displayWidth } from '../../src/terminal/displayWidth.js';

const CASES: Array<[string, string, number, string[], string?]> = [
  ['wide words measured in columns, not characters', '日本語 日本', 8, ['日本語', '日本']],
  ['wide words that fit the row exactly stay together', '日本 日本', 9, ['日本 日本']],
  ['an indent as wide as the row is dropped (else no room for text)', 'aaa bbb', 3, ['aaa', 'bbb'], '   '],
  ['an indent one column narrower than the row is kept', 'aaa bbb', 4, ['aaa', '   b', '   b', '   b'], '   '],
  ['spaces at the end of a line are kept while they fit', 'aaaa bbbb   ', 7, ['aaaa', 'bbbb   ']],
  ['spaces at the end of a line that do not fit go with the break', 'aaaa bbbb   ', 6, ['aaaa', 'bbbb']],
  ['leading spaces stay before a word that is then cut', '    abcdefgh', 6, ['    ab', 'cdefgh']],
  ['leading spaces that leave no column are dropped', '      abc def', 6, ['abc', 'def']],
  ['leading spaces leaving one column keep it', '     abcd', 6, ['     a', 'bcd']],
  ['a wide character wider than the row is never split nor preceded by an empty row', '日本', 1, ['日', '本']],
  ['a line of spaces only, too wide, is one empty row', '      ', 3, ['']],
  ['several spaces at a break are all dropped', 'ab  cd  ef', 5, ['ab', 'cd', 'ef']],
  ['a width below one is one column', 'ab cd', 0, ['a', 'b', 'c', 'd']],
  ['a fractional width is rounded down', 'abc def', 3.9, ['abc', 'def']],
];

for (const [name, text, width, expected, indent] of CASES) {
  test(`wordWrap: ${name}`, () => {
    assert.equal(wordWrap(text, width, indent), expected);
    for (const row of expected) assert.ok(displayWidth(row) <= Math.max(1, Math.floor(width)) || row.length === 1, row);
  });
}

test('trailing spaces that do not fit are dropped, and start no row of their own (a visible indent shows it)', () => {
  assert.equal(wordWrap('aaaa bbbb      ', 9, '> '), ['aaaa bbbb']);
});

test('a coloured word that fits the row after a break is kept whole: escape codes take no columns', () => {
  assert.equal(wordWrap('aaaa \x1b[31mbbbb\x1b[0m', 5), ['aaaa', '\x1b[31mbbbb\x1b[0m']);
  assert.equal(wordWrap('aaaa \x1b[31mbbbbb\x1b[0m', 5), ['aaaa', '\x1b[31mbbbbb\x1b[0m']);
});

test('leading spaces or an indent that leave no room for a wide character give way: no row runs past the width', () => {
  assert.equal(wordWrap('   日本', 4), ['日本']);
  assert.equal(wordWrap('a 日本', 2, ' '), ['a', '日', '本']);
  assert.equal(wordWrap('aa 日', 2, ' '), ['aa', '日']);
  // With room for it, the indent stays.
  assert.equal(wordWrap('a 日本', 3, ' '), ['a', ' 日', ' 本']);
  // An indent as wide as the row is not used at all (not a row of its own).
  assert.equal(wordWrap('aa bb', 2, '> '), ['aa', 'bb']);
  assert.equal(wordWrap('aa bb', 3, '> '), ['aa', '> b', '> b']);
});

test.run();
