// Measuring at the edges: characters never measured before in this process (the width cache
// cannot answer for them), characters longer than the cache keeps, graphemes that straddle the
// segmenter's 128-unit windows, a grapheme longer than a window; advance() at the last column;
// which terminal names show colour.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reference, starts } from '../support/cellsReference.js';
import { measureCells } from '../../src/terminal/graphemeCells.js';
import { advance } from '../../src/terminal/displayWidth.js';
import { showsColour } from '../../src/terminal/colour.js';

/** Letters with three combining marks, a new combination each call (so never in the width cache). */
let fresh = Math.floor(Math.random() * 100_000);
function unseen(): string {
  const n = fresh++;
  const mark = (k: number) => String.fromCharCode(0x300 + (Math.floor(n / 112 ** k) % 112));
  return `${String.fromCharCode(0x61 + (n % 26))}${mark(0)}${mark(1)}${mark(2)}`;
}

test('characters measured for the first time: their width, one cell each, as string-width says', () => {
  for (let i = 0; i < 5; i++) {
    const text = `${unseen()}日${unseen()}`;
    assert.equal(starts(measureCells(text)), [[0, 1], [4, 2], [5, 1]], JSON.stringify(text));
  }
  const wide = `界${'\u0301'.repeat(3)}`;
  assert.equal(starts(measureCells(`${wide}${unseen()}`)), [[0, 2], [4, 1]]);
});

test('a character longer than 16 code units (not kept in the cache): one cell wide, measured each time', () => {
  const long = `x${'\u0301'.repeat(16)}`;
  assert.equal(starts(measureCells(long)), [[0, 1]]);
  assert.equal(starts(measureCells(`${long}${long}`)), [[0, 1], [17, 1]]);
  const longWide = `界${'\u0301'.repeat(20)}`;
  assert.equal(starts(measureCells(longWide)), [[0, 2]]);
});

test('graphemes straddling the 128-unit segmenting windows are measured whole', () => {
  for (const text of [
    `a${'👍'.repeat(100)}`,
    `ab${'👨‍👩‍👧'.repeat(40)}`,
    `abc${'👍🏽'.repeat(60)}`,
    `x${'\u0451\u0301'.repeat(100)}`,
    `${'é'.repeat(3)}${'🇫🇷'.repeat(80)}`,
  ]) {
    assert.equal(starts(measureCells(text)), reference(text), JSON.stringify(text.slice(0, 12)));
  }
});

test('a grapheme longer than a window: cut at the window, the measuring still ends', () => {
  const text = `e${'\u0301'.repeat(200)}`;
  assert.equal(starts(measureCells(text)), [[0, 1], [128, 0]]);
});

test('a 127-unit grapheme, then an emoji cut by the window: the emoji measured whole, the measuring ends', () => {
  // The window holds the long grapheme (at its start) and half the emoji: only the emoji goes on.
  const text = `e${'\u0301'.repeat(126)}👍x`;
  assert.equal(starts(measureCells(text)), [[0, 1], [127, 2], [129, 1]]);
});

test('advance: only a wide character moves at the last column; a narrow one fills it', () => {
  assert.is(advance(9, 'é', 10), 10);
  assert.is(advance(9, 'e\u0301', 10), 10);
  assert.is(advance(8, 'éé', 10), 10);
  assert.is(advance(9, '日', 10), 12);
});

test('colour: "st" is the suckless terminal only as the whole name or st-*; other names starting st are not', () => {
  assert.ok(showsColour('st'));
  assert.ok(showsColour('st-256color'));
  assert.not.ok(showsColour('stx'));
  assert.not.ok(showsColour('sterm'));
});

test.run();
