import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { script } from '../support/editorScript.js';

// The one-row view of an input longer than a screenful (wrapLimit 40 cells here, on a 20-column
// terminal: the row shows 17 cells of input after the 2-cell prompt, the last column left free).
const L = 'abcdefghijklmnopqrstuvwxyz';

test('a long paste in one piece: the row shows its end, not an empty row after the prompt', () => {
  const run = script({ width: 20, wrapLimit: 40 }, [L + L]);
  // From the wrapped prompt's start, erased, then the row: the last 17 characters, the cursor after them.
  assert.equal(run.steps[1], ['\x1b[2D\x1b[J\r> jklmnopqrstuvwxyz\x1b[K']);
  assert.ok(run.editor.scrolled);
});

test('typing past the screenful at the end: the row shows the text before the cursor', () => {
  const run = script({ width: 20, wrapLimit: 40 }, [L, 'ABCDEFGHIJKL', 'M', '\x7f']);
  // 2 + 38 = 40 cells: still wrapped, ending at the margin (a new row begun); one more switches.
  assert.equal(run.steps.slice(1), [[L], ['ABCDEFGHIJKL\n'], ['\x1b[2A\x1b[J\r> wxyzABCDEFGHIJKLM\x1b[K'], ['\r> wxyzABCDEFGHIJKL\x1b[K']]);
});

test('a prompt wider than half the row is left out of the scrolled row, which then shows the input only', () => {
  const half = script({ width: 20, wrapLimit: 40, read: { prompt: '0123456789' } }, [L + L]);
  assert.equal(half.steps[1], ['\x1b[10D\x1b[J\r0123456789rstuvwxyz\x1b[K']);
  const over = script({ width: 20, wrapLimit: 40, read: { prompt: '0123456789A' } }, [L + L]);
  assert.equal(over.steps[1], ['\x1b[11D\x1b[J\rhijklmnopqrstuvwxyz\x1b[K']);
});

test('moving in the scrolled row: within it the cursor moves; out of it on the left the view puts it a third of the way in', () => {
  const run = script({ width: 20, wrapLimit: 40 }, [L + L, '\x1b[D'.repeat(17), '\x1b[D', '\x1b[D', '\x02', '\x01', '\x05', { above: 'M' }, { leave: true }, { redraw: true }, '\r']);
  // Seventeen Lefts in one read (one write): the cursor walks to the row's first input cell.
  assert.equal(run.steps[2], [Array.from({ length: 17 }, (_, i) => `\r> jklmnopqrstuvwxyz\x1b[K\x1b[${i + 1}D`).join('')]);
  assert.equal(run.steps.slice(3), [
    // Out of view: the view starts 5 cells (a third of 17) before the cursor.
    ['\r> defghijklmnopqrst\x1b[K\x1b[12D'],
    ['\r> defghijklmnopqrst\x1b[K\x1b[13D'],
    ['\r> defghijklmnopqrst\x1b[K\x1b[14D'],
    ['\r> abcdefghijklmnopq\x1b[K\x1b[17D'],
    // End: as much as the row holds before the cursor.
    ['\r> jklmnopqrstuvwxyz\x1b[K'],
    // A message above a scrolled row: no rows to go up.
    ['\r\x1b[JM\n\r> jklmnopqrstuvwxyz\x1b[K'],
    [''],
    ['\r> jklmnopqrstuvwxyz\x1b[K'],
    ['\n', `=line ${L}${L}`],
  ]);
});

test('moving right out of view mid-line: the cursor two thirds of the way in', () => {
  const run = script({ width: 20, wrapLimit: 40 }, [L + L, '\x01', '\x1b[C'.repeat(17), '\x1b[C']);
  assert.equal(run.steps[3], [Array.from({ length: 17 }, (_, i) => `\r> abcdefghijklmnopq\x1b[K${i < 16 ? `\x1b[${16 - i}D` : ''}`).join('')]);
  // 11 cells (two thirds of 17) before the cursor, the rest after it.
  assert.equal(run.steps[4], ['\r> hijklmnopqrstuvwx\x1b[K\x1b[6D']);
});

test('a long prompt is left out of the scrolled row and comes back with the next line', () => {
  const run = script({ width: 20, wrapLimit: 40, read: { prompt: 'long prompt> ' } }, [L + L, '\x01', '\x1b[C', '\r', { begin: true }]);
  assert.equal(run.steps, [
    ['long prompt> '],
    ['\x1b[13D\x1b[J\rhijklmnopqrstuvwxyz\x1b[K'],
    ['\rabcdefghijklmnopqrs\x1b[K\x1b[19D'],
    ['\rabcdefghijklmnopqrs\x1b[K\x1b[18D'],
    ['\n', `=line ${L}${L}`],
    ['long prompt> '],
  ]);
  assert.not.ok(run.editor.scrolled);
});

test('wide characters in the scrolled row: never cut at its end, the cursor counted in cells', () => {
  const run = script({ width: 20, wrapLimit: 40 }, ['界'.repeat(30), '\x01', '\x1b[C', '\x05', '\x7f', '\x17']);
  assert.equal(run.steps, [
    ['> '],
    // 17 cells of room: eight wide characters (16 cells), not eight and a half.
    ['\x1b[2D\x1b[J\r> 界界界界界界界界\x1b[K'],
    ['\r> 界界界界界界界界\x1b[K\x1b[16D'],
    ['\r> 界界界界界界界界\x1b[K\x1b[14D'],
    ['\r> 界界界界界界界界\x1b[K'],
    ['\r> 界界界界界界界\x1b[K'],
    // ^W takes the whole run (no spaces): back to wrapped, empty.
    ['\r\x1b[J> '],
  ]);
});

test('back to wrapped only at half the screenful: 20 cells here, not 21', () => {
  const run = script({ width: 20, wrapLimit: 40 }, ['x'.repeat(39), '\x7f'.repeat(20), '\x7f', '\x7f']);
  // Twenty Backspaces leave 2 + 19 = 21 cells: still one row (no erase below, no new row).
  assert.is(run.steps[2]!.length, 1);
  assert.is(run.steps[2]![0]!.split('\r> ').length, 21);
  assert.not.ok(/\n|\x1b\[J/.test(run.steps[2]![0]!));
  // The next leaves 20: wrapped again, ending at the margin (a row begun), then back over it.
  assert.equal(run.steps.slice(3), [['\r\x1b[J> xxxxxxxxxxxxxxxxxx\n'], ['\x1b[1A\x1b[19C\x1b[J']]);
  assert.not.ok(run.editor.scrolled);
});

test('scrolled at one more than the screenful: 40 cells stay wrapped, 41 scroll, and stay so at 40', () => {
  const run = script({ width: 20, wrapLimit: 40 }, ['x'.repeat(38), 'y', '\x7f', '\x7f']);
  assert.equal(run.steps.slice(1), [
    ['x'.repeat(38) + '\n'],
    ['\x1b[2A\x1b[J\r> xxxxxxxxxxxxxxxxy\x1b[K'],
    ['\r> xxxxxxxxxxxxxxxx\x1b[K'],
    ['\r> xxxxxxxxxxxxxxx\x1b[K'],
  ]);
  assert.ok(run.editor.scrolled);
});

test('^K and ^U bring a scrolled input back to wrapped when little is left', () => {
  const run = script({ width: 20, wrapLimit: 40 }, [L + 'ABCDEFGHIJKLM', '\x01', '\x0b']);
  assert.equal(run.steps.slice(1), [['\x1b[2D\x1b[J\r> wxyzABCDEFGHIJKLM\x1b[K'], ['\r> abcdefghijklmnopq\x1b[K\x1b[17D'], ['\r\x1b[J> ']]);
  const word = script({ width: 20, wrapLimit: 40 }, [L + 'ABCDEFGHIJKLM', '\x17']);
  assert.equal(word.steps[2], ['\r\x1b[J> ']);
});

test('history: a long entry recalled scrolls; back to a short one or the draft wraps again', () => {
  const run = script({ width: 20, wrapLimit: 40, read: { history: [L + L, 'short'] } }, ['dr', '\x1b[A', '\x1b[A', '\x1b[B', '\x1b[B']);
  assert.equal(run.steps, [
    ['> '],
    ['dr'],
    ['\x1b[2D\x1b[Jshort'],
    ['\x1b[5D\x1b[J\x1b[2D\x1b[J\r> jklmnopqrstuvwxyz\x1b[K'],
    ['\r\x1b[J> short'],
    ['\x1b[5D\x1b[Jdr'],
  ]);
  const draft = script({ width: 20, wrapLimit: 40, read: { history: ['short'] } }, [L + L, '\x1b[A', '\x1b[B']);
  assert.equal(draft.steps.slice(2), [['\r\x1b[J> short'], ['\x1b[5D\x1b[J\x1b[2D\x1b[J\r> jklmnopqrstuvwxyz\x1b[K']]);
  assert.is(draft.editor.buffer, L + L);
});

test('a new line after a scrolled one starts wrapped, its view from the start', () => {
  const run = script({ width: 20, wrapLimit: 40 }, [L + L, '\r', { begin: true }, 'abc']);
  assert.equal(run.steps.slice(3), [['> '], ['abc']]);
  assert.not.ok(run.editor.scrolled);
});

// Zero-width characters (U+200B) take no cells: how much of the line one row walks is bounded in
// code units (4,096), and the cursor must still be inside what the row shows.
const Z = '\u200b';
const shown = (write: string) => write.replace(/\u200b+/g, (run) => `<${run.length} ZWSP>`);

test('zero-width text: the row shows at most 4,096 code units, with the cursor inside them', () => {
  const run = script({}, [`${Z.repeat(5000)}abc`, '\x01', '\x05', '\x1b[D']);
  assert.equal(run.steps.slice(1).map((step) => step.map(shown)), [
    // Typed at the end: the 4,096 units before the cursor, "abc" among them.
    ['\x1b[2D\x1b[J\r> <4093 ZWSP>abc\x1b[K'],
    ['\r> <4096 ZWSP>\x1b[K'],
    ['\r> <4093 ZWSP>abc\x1b[K'],
    ['\r> <4093 ZWSP>abc\x1b[K\x1b[1D'],
  ]);
});

test('zero-width text: exactly 4,096 units before the cursor stay in view, 4,097 move it', () => {
  // After ^A the view starts at 0; End then needs 4,096 + 3 units: the view moves.
  const over = script({}, [`${Z.repeat(4094)}abc`, '\x01', '\x05']);
  assert.equal(over.steps[3]!.map(shown), ['\r> <4093 ZWSP>abc\x1b[K']);
  // 4,093 + 3 = 4,096 units: all of it from the start, the view where it was.
  const exact = script({}, [`${Z.repeat(4093)}abc`, '\x01', '\x05']);
  assert.equal(exact.steps[3]!.map(shown), ['\r> <4093 ZWSP>abc\x1b[K']);
  assert.equal(exact.steps[2]!.map(shown), ['\r> <4093 ZWSP>abc\x1b[K\x1b[3D']);
  assert.equal(over.steps[2]!.map(shown), ['\r> <4094 ZWSP>ab\x1b[K\x1b[2D']);
});

test('zero-width text at the start: Home shows the first 4,096 units', () => {
  const run = script({}, [`ab${Z.repeat(9000)}cd`, '\x01']);
  assert.equal(run.steps.slice(1).map((step) => step.map(shown)), [['\x1b[2D\x1b[J\r> <4094 ZWSP>cd\x1b[K'], ['\r> ab<4094 ZWSP>\x1b[K\x1b[2D']]);
});

test.run();
