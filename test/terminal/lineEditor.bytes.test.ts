import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { script } from '../support/editorScript.js';

// The exact bytes of each key on one row (80 columns, prompt "> "): what is written for it (each
// write separately, so one key is one write) and the events it gives.

test('typing, moving and editing: each key and its bytes', () => {
  const keys = ['abc', '\x1b[D', 'X', '\x7f', '\x1b[3~', '\x1b[H', '\x1b[F', '\x01', '\x05', '\x02', '\x06', '\x06', '\x1bOH', '\x1b[4~', '\x1b[1~', '\x1b[7~', '\x1b[8~', '\x1bOF', '\r'];
  const run = script({}, keys);
  assert.equal(run.steps, [
    ['> '],
    ['abc'],
    ['\x1b[1D'],
    // Inserted mid-line: erase below, the tail again, back to after the insert.
    ['\x1b[JXc\x1b[1D'],
    ['\x1b[1D\x1b[Jc\x1b[1D'],
    ['\x1b[J'],
    ['\x1b[2D'],
    ['\x1b[2C'],
    ['\x1b[2D'],
    ['\x1b[2C'],
    ['\x1b[1D'],
    ['\x1b[1C'],
    // ^F at the end: nothing at all.
    [],
    ['\x1b[2D'],
    ['\x1b[2C'],
    ['\x1b[2D'],
    [],
    ['\x1b[2C'],
    [],
    ['\n', '=line ab'],
  ]);
  assert.equal(run.read.history, ['ab']);
});

test('^K, ^W (spaces then a word), ^U', () => {
  const run = script({}, ['ab cd ef', '\x02\x02', '\x0b', '\x17', '\x17', '\x15', 'x  ', '\x17']);
  assert.equal(run.steps, [
    ['> '],
    ['ab cd ef'],
    ['\x1b[1D\x1b[1D'],
    ['\x1b[J'],
    ['\x1b[3D\x1b[J'],
    ['\x1b[3D\x1b[J'],
    // ^U at the start: nothing to erase.
    [],
    ['x  '],
    ['\x1b[3D\x1b[J'],
  ]);
  assert.is(run.editor.buffer, '');
});

test('^D: deletes under the cursor, nothing at the end of a line, end of input on an empty line', () => {
  const run = script({}, ['ab', '\x04', '\x1b[D', '\x04', '\x04', '\x7f', '\x04']);
  assert.equal(run.steps, [['> '], ['ab'], [], ['\x1b[1D'], ['\x1b[J'], [], ['\x1b[1D\x1b[J'], ['\n', '=eof']]);
  assert.not.ok(run.editor.active);
});

test('^C: to the end of the input (across rows), then ^C ABORT on its own line', () => {
  const mid = script({}, ['abc\x1b[D', '\x03']);
  assert.equal(mid.steps, [['> '], ['abc\x1b[1D'], ['\x1b[1C^C ABORT\n', '=interrupt']]);
  const wrapped = script({ width: 10 }, ['abcdefghijklmnopqrstu', '\x01', '\x03']);
  assert.equal(wrapped.steps.slice(2), [['\x1b[2A\x1b[1D'], ['\x1b[2B\x1b[1C^C ABORT\n', '=interrupt']]);
  assert.is(wrapped.editor.buffer, '');
});

test('^L: clear, the prompt and input again, the cursor back; several in one read draw once', () => {
  const run = script({}, ['abc\x1b[D', '\x0c', '\x0c\x0cx', '\x0c\x0c']);
  assert.equal(run.steps, [
    ['> '],
    ['abc\x1b[1D'],
    ['\x1b[H\x1b[2J> abc\x1b[1D'],
    ['\x1b[H\x1b[2J> abc\x1b[1D\x1b[Jxc\x1b[1D'],
    ['\x1b[H\x1b[2J> abxc\x1b[1D'],
  ]);
});

test('^L then Enter in one read: the clear and redraw come before the line ends', () => {
  const run = script({}, ['abc\x0c\rdef', { begin: true }]);
  assert.equal(run.steps, [['> '], ['\x1b[H\x1b[2J> abc\n', '=line abc'], ['> ', 'def']]);
});

test('^L alone in a read: the screen cleared and the line drawn in the same write', () => {
  const run = script({}, ['ab', '\x0c', 'c\x0c']);
  assert.equal(run.steps.slice(2), [['\x1b[H\x1b[2J> ab'], ['\x1b[H\x1b[2J> abc']]);
});

test('history: Up/Down and ^P/^N walk it, stop at each end, and bring the draft back', () => {
  const run = script({ read: { history: ['one', 'three'] } }, ['dr', '\x1b[A', '\x1b[A', '\x1b[A', '\x1b[B', '\x10', '\x0e', '\x0e', '\x0e', '\r']);
  assert.equal(run.steps, [
    ['> '],
    ['dr'],
    ['\x1b[2D\x1b[Jthree'],
    ['\x1b[5D\x1b[Jone'],
    [],
    ['\x1b[3D\x1b[Jthree'],
    ['\x1b[5D\x1b[Jone'],
    ['\x1b[3D\x1b[Jthree'],
    ['\x1b[5D\x1b[Jdr'],
    [],
    ['\n', '=line dr'],
  ]);
  assert.equal(run.read.history, ['one', 'three', 'dr']);
});

test('history off for a read: Up and ^P do nothing and Enter adds nothing', () => {
  const run = script({ read: { history: ['one'], useHistory: false } }, ['dr', '\x1b[A', '\x10', '\r']);
  assert.equal(run.steps, [['> '], ['dr'], [], [], ['\n', '=line dr']]);
  assert.equal(run.read.history, ['one']);
});

test('unknown sequences, Alt-key, NUL and BEL: nothing drawn or inserted but the key after ESC', () => {
  const run = script({}, ['a\x1b[99Zb', '\x1bx', '\x1b[2~', '\x07', '\x00']);
  assert.equal(run.steps, [['> '], ['ab'], ['x'], [], [], []]);
  assert.is(run.editor.buffer, 'abx');
});

test('a message above: the same text for the same message and input, new text when either changes', () => {
  const run = script({}, ['ab', { above: 'M1' }, { above: 'M1' }, 'c', { above: 'M1' }, { above: 'M2' }]);
  assert.equal(run.steps, [['> '], ['ab'], ['\r\x1b[JM1\n> ab'], ['\r\x1b[JM1\n> ab'], ['c'], ['\r\x1b[JM1\n> abc'], ['\r\x1b[JM2\n> abc']]);
  // Another editor at another prompt with the same message: its own prompt, not the last one drawn.
  const other = script({ read: { prompt: '$ ' } }, ['ab', { above: 'M2' }]);
  assert.equal(other.steps[2], ['\r\x1b[JM2\n$ ab']);
  const rows = script({ width: 10 }, ['abcdefghijkl', { above: 'M2' }]);
  assert.equal(rows.steps[2], ['\r\x1b[1A\x1b[JM2\n> abcdefghijkl']);
});

test.run();
