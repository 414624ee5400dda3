import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { script } from '../support/editorScript.js';

// Input wrapped over rows of a 10-column terminal: the exact bytes of each key (the writes of a step,
// then its events). Columns count from the prompt's start; a row is 10 of them.

test('typing to the right margin begins the next row at once; moves cross the wrap with CSI A/B', () => {
  const run = script({ width: 10 }, ['abcdefg', 'h', 'i', '\x7f', '\x1b[D', '\x1b[D', '\x1b[C', '\x1b[C', '\x1b[H', '\x1b[F', '\r']);
  assert.equal(run.steps, [
    ['> '],
    ['abcdefg'],
    // Column 10: the row is full, "\n" so the cursor has a row to be on.
    ['h\n'],
    ['i'],
    ['\x1b[1D\x1b[J'],
    // From row 1 column 0 to row 0 column 9, and back.
    ['\x1b[1A\x1b[9C'],
    ['\x1b[1D'],
    ['\x1b[1C'],
    ['\x1b[1B\x1b[9D'],
    ['\x1b[1A\x1b[2C'],
    ['\x1b[1B\x1b[2D'],
    // The input ends at column 10, where a new row was begun: that row is the line end (no blank row).
    ['=line abcdefgh'],
  ]);
});

test('Enter one column short of the margin ends the row; at the margin, and two rows on, the row begun is the line end', () => {
  assert.equal(script({ width: 10 }, ['abcdefg', '\r']).steps, [['> '], ['abcdefg'], ['\n', '=line abcdefg']]);
  assert.equal(script({ width: 10 }, ['abcdefgh', '\r']).steps, [['> '], ['abcdefgh\n'], ['=line abcdefgh']]);
  assert.equal(script({ width: 10 }, ['abcdefgh0123456789', '\r']).steps, [['> '], ['abcdefgh0123456789\n'], ['=line abcdefgh0123456789']]);
  // Past the margin by one: a row of its own, ended as usual.
  assert.equal(script({ width: 10 }, ['abcdefghi', '\r']).steps, [['> '], ['abcdefghi'], ['\n', '=line abcdefghi']]);
  // With the cursor moved back into the first row, Enter goes to the end first, then ends no extra row.
  assert.equal(script({ width: 10 }, ['abcdefgh', '\x01', '\r']).steps, [['> '], ['abcdefgh\n'], ['\x1b[1A\x1b[2C'], ['\x1b[1B\x1b[2D', '=line abcdefgh']]);
});

test('a prompt as wide as the row: Enter on no input, a password, ^D and a candidate list leave no blank row', () => {
  const prompt = 'Password: ';
  assert.equal(script({ width: 10, read: { prompt } }, ['\r']).steps, [[`${prompt}\n`], ['=line ']]);
  assert.equal(script({ width: 10, read: { prompt, echo: false } }, ['pw', '\r']).steps, [[`${prompt}\n`], [], ['=line(secret) pw']]);
  assert.equal(script({ width: 10, read: { prompt } }, ['\x04']).steps, [[`${prompt}\n`], ['=eof']]);
  const list = script({ width: 10, read: { prompt, complete: () => ({ kind: 'list', candidates: ['al', 'be'] }) } }, ['\t']);
  assert.equal(list.steps[1], ['al  be\n' + `${prompt}\n`]);
});

test('a wide character that does not fit in the last column goes to the next row, and the cursor with it', () => {
  const run = script({ width: 10 }, ['abcdef', '界', '\x1b[D', '\x1b[C', '\x7f', 'ab界', '\x01', '\x05', '\r']);
  assert.equal(run.steps, [
    ['> '],
    ['abcdef'],
    ['界\n'],
    ['\x1b[1A\x1b[8C'],
    ['\x1b[1B\x1b[8D'],
    ['\x1b[1A\x1b[8C\x1b[J'],
    // a at column 8, b at 9 (the terminal wraps before the next), 界 in row 1: column 12, no row to begin.
    ['ab界'],
    ['\x1b[1A'],
    ['\x1b[1B'],
    ['\n', '=line abcdefab界'],
  ]);
});

test('a prompt exactly one row wide: a row is begun after it; messages above go up over it', () => {
  const run = script({ width: 10, read: { prompt: '0123456789' } }, ['ab', { above: 'M' }, { redraw: true }, '\x0c', '\r']);
  assert.equal(run.steps, [
    ['0123456789\n'],
    ['ab'],
    ['\r\x1b[1A\x1b[JM\n0123456789\nab'],
    ['0123456789\nab'],
    ['\x1b[H\x1b[2J0123456789\nab'],
    ['\n', '=line ab'],
  ]);
});

test('an empty prompt writes nothing; the input alone wraps', () => {
  const run = script({ width: 10, read: { prompt: '' } }, ['abcdefghij', 'k', '\x01', '\x05', { above: 'M' }, { leave: true }, '\r']);
  assert.equal(run.steps, [
    [],
    ['abcdefghij\n'],
    ['k'],
    ['\x1b[1A\x1b[1D'],
    ['\x1b[1B\x1b[1C'],
    ['\r\x1b[1A\x1b[JM\nabcdefghijk'],
    // At the end already: nothing to move.
    [''],
    ['\n', '=line abcdefghijk'],
  ]);
});

test('a message above a three-row input: up from the row the cursor is on, the input redrawn, the cursor put back', () => {
  const run = script({ width: 10 }, ['abcdefghijklmnopqrstu', '\x01', { above: 'MSG' }, { above: 'MSG' }, '\x05', { above: 'MSG' }, { leave: true }]);
  assert.equal(run.steps, [
    ['> '],
    ['abcdefghijklmnopqrstu'],
    ['\x1b[2A\x1b[1D'],
    // The cursor is on the first row: no CSI A.
    ['\r\x1b[JMSG\n> abcdefghijklmnopqrstu\x1b[2A\x1b[1D'],
    ['\r\x1b[JMSG\n> abcdefghijklmnopqrstu\x1b[2A\x1b[1D'],
    ['\x1b[2B\x1b[1C'],
    ['\r\x1b[2A\x1b[JMSG\n> abcdefghijklmnopqrstu'],
    [''],
  ]);
  assert.ok(run.editor.active);
});

test('inserting, deleting and killing in a wrapped input redraw from the edit and put the cursor back', () => {
  const run = script({ width: 10 }, ['abcdefghij', '\x01', '\x1b[C', 'X', '\x1b[3~', '\x0b', '\x15']);
  assert.equal(run.steps, [
    ['> '],
    ['abcdefghij'],
    ['\x1b[1A'],
    ['\x1b[1C'],
    ['\x1b[JXbcdefghij\x1b[1A\x1b[1C'],
    ['\x1b[Jcdefghij\x1b[1A\x1b[2C'],
    ['\x1b[J'],
    ['\x1b[2D\x1b[J'],
  ]);
  assert.is(run.editor.buffer, '');
});

test('a combining mark joins the letter before it: only the mark is printed, and Backspace takes the whole character', () => {
  const run = script({}, ['e', '\u0301', 'x', '\x1b[D', '\u0301', '\x7f', '\x7f', '\x1b[3~']);
  assert.equal(run.steps, [
    ['> '],
    ['e'],
    ['\u0301'],
    ['x'],
    ['\x1b[1D'],
    ['\x1b[J\u0301x\x1b[1D'],
    ['\x1b[1D\x1b[Jx\x1b[1D'],
    [],
    ['\x1b[J'],
  ]);
});

test('walking history over a wrapped entry: erased from the first row, the entry printed, the draft back', () => {
  const run = script({ width: 10, read: { history: ['a long history entry', 'x'] } }, ['dr', '\x1b[A', '\x1b[A', '\x1b[A', '\x1b[B', '\x1b[B', '\x1b[B']);
  assert.equal(run.steps, [
    ['> '],
    ['dr'],
    ['\x1b[2D\x1b[Jx'],
    ['\x1b[1D\x1b[Ja long history entry'],
    [],
    ['\x1b[2A\x1b[Jx'],
    ['\x1b[1D\x1b[Jdr'],
    [],
  ]);
});

test('setWidth: the new width counts from the next key; zero or less is ignored', () => {
  const run = script({}, ['abc', { width: 4 }, 'd', { width: 0 }, 'e', { width: -1 }, 'f']);
  // prompt + abcd = 6 columns; at width 4 the cursor is at row 1 column 2, then e: column 7, f: 8 (a new row).
  assert.equal(run.steps, [['> '], ['abc'], [], ['d'], [], ['e'], [], ['f\n']]);
});

test('a wide character typed at the last column starts the next row: the cursor is counted from there', () => {
  const run = script({ width: 10 }, ['abcdefg', '界', 'x', '\x01', '\x05']);
  // 界 at column 9 cannot fit: it takes columns 10-11, x 12; Home is one row up and one column left.
  assert.equal(run.steps.slice(2), [['界'], ['x'], ['\x1b[1A\x1b[1D'], ['\x1b[1B\x1b[1C']]);
});

test('moving between the second and third rows: one row up or down, not counted from the first', () => {
  const run = script({ width: 10 }, ['abcdefghijklmnopqrstuvw', '\x1b[D'.repeat(10), '\x1b[C'.repeat(10)]);
  assert.equal(run.steps.slice(2), [
    ['\x1b[1D'.repeat(5) + '\x1b[1A\x1b[9C' + '\x1b[1D'.repeat(4)],
    ['\x1b[1C'.repeat(4) + '\x1b[1B\x1b[9D' + '\x1b[1C'.repeat(5)],
  ]);
});

test('setWidth(0) and a negative width leave the width as it was: moves still cross rows of 4', () => {
  const run = script({ width: 4 }, ['abcdef', { width: 0 }, '\x01', { width: -3 }, '\x05']);
  assert.equal(run.steps.slice(1), [['abcdef\n'], [], ['\x1b[2A\x1b[2C'], [], ['\x1b[2B\x1b[2D']]);
});

test.run();
