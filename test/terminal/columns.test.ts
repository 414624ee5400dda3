// Tab's candidate list in columns (down then across, as ls) and whether a terminal shows colour, at
// their edges: widths that fit exactly and one short, one name, wide names, the gap; terminal names
// that only contain a monochrome marker.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { columns } from '../../src/terminal/columns.js';
import { showsColour } from '../../src/terminal/colour.js';

test('columns: down then across; the last name of a row is not padded', () => {
  const names = ['a', 'bb', 'ccc', 'dd', 'e', 'f', 'g'];
  // Cells of 5 (the widest, 3, and a gap of 2): three columns need exactly 13; at 12 two fit.
  assert.is(columns(names, 13), 'a    dd   g\nbb   e\nccc  f');
  assert.is(columns(names, 12), 'a    e\nbb   f\nccc  g\ndd');
  assert.is(columns(names, 18), 'a    ccc  e    g\nbb   dd   f');
  assert.is(columns(names, 17), 'a    dd   g\nbb   e\nccc  f');
});

test('columns: one name, no names, a width narrower than one name, a gap of its own', () => {
  assert.is(columns(['only'], 80), 'only');
  assert.is(columns([], 80), '');
  assert.is(columns(['abc', 'de'], 2), 'abc\nde');
  assert.is(columns(['ab', 'cd', 'ef'], 80, 4), 'ab    cd    ef');
  assert.is(columns(['ab', 'cd', 'ef'], 14, 4), 'ab    cd    ef');
  assert.is(columns(['ab', 'cd', 'ef'], 13, 4), 'ab    ef\ncd');
});

test('columns: wide names measured in columns', () => {
  // Cells of 6 (界界 is 4 columns): two columns need exactly 10; at 9 one name per row.
  assert.is(columns(['界界', 'a', 'b'], 10), '界界  b\na');
  assert.is(columns(['界界', 'a', 'b'], 9), '界界\na\nb');
});

test('colour: a monochrome marker counts only as the whole name or its suffix', () => {
  for (const term of ['xterm-mono2', 'xterm-m2', 'vt52-color', 'color-vt52', 'dumb-color', 'color-dumb']) {
    assert.ok(showsColour(term), term);
  }
  for (const term of ['xterm-m', 'xterm-mono', 'dumb', 'vt52', 'linux-m']) assert.not.ok(showsColour(term), term);
});

test('colour: a known name counts at the start only', () => {
  for (const term of ['notxterm', 'my-linux', 'x-ansi']) assert.not.ok(showsColour(term), term);
  for (const term of ['xterm-kitty', 'wezterm', 'foot', 'st', 'eterm-color', 'tintin++', 'vt525']) assert.ok(showsColour(term), term);
});

test.run();
