import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { script } from '../support/editorScript.js';

// Keys that come while no line is read (type-ahead), ^C while a command runs, a line over the
// limit and what is dropped after it, and a closed editor: the exact writes and events of each step.

test('a line over the limit: the cursor to the end, a new line, the event; input up to Enter dropped, the rest kept', () => {
  const run = script({ maxLineLength: 5 }, ['abc', '\x01', 'xyz', 'junk', '\rok', { begin: true }, '\r', { begin: { maxLineLength: 2 } }, 'ab', 'c', 'x\r', { begin: true }]);
  assert.equal(run.steps, [
    ['> '],
    ['abc'],
    ['\x1b[3D'],
    // 3 + 3 = 6 > 5, typed at the start: the cursor goes after the input before the new line.
    ['\x1b[3C\n', '=tooLong 5'],
    [],
    [],
    ['> ', 'ok'],
    ['\n', '=line ok'],
    // This read's own limit (the login prompts' smaller one): 2 is a line, 3 is not.
    ['> '],
    ['ab'],
    ['\n', '=tooLong 2'],
    [],
    ['> '],
  ]);
});

test('a line over the limit on a wrapped input: the cursor goes down to the end first', () => {
  const run = script({ maxLineLength: 25, width: 10 }, ['abcdefghijklmnopqrstu', '\x01', 'abcdef']);
  assert.equal(run.steps.slice(2), [['\x1b[2A\x1b[1D'], ['\x1b[2B\x1b[1C\n', '=tooLong 25']]);
});

test('input dropped after a line over the limit does not count against type-ahead: the next line after a huge paste is read', () => {
  const K = 1024;
  // 128 KiB + 1 refused, then three more 64 KiB pieces of the same paste and its Enter, then a command.
  const run = script({}, ['x'.repeat(128 * K + 1), 'x'.repeat(64 * K), 'x'.repeat(64 * K), `${'x'.repeat(64 * K)}\r`, 'help\r', { begin: true }]);
  assert.equal(run.steps[1], ['\n', '=tooLong 131072']);
  assert.equal(run.steps.slice(2, 5), [[], [], []]);
  assert.equal(run.steps[6], ['> ', 'help\n', '=line help']);
});

test('after a dropped line, type-ahead is bounded afresh: up to the limit kept, one more dropped, and the user told', () => {
  const run = script({ maxLineLength: 5 }, ['abcdef', 'junk', 'more', '\r', 'vwxyz', '!', '?', { begin: true }, '\r', 'ab', 'cde', 'f', { begin: true }]);
  assert.equal(run.steps.slice(1, 6), [['\n', '=tooLong 5'], [], [], [], []]);
  // The first key past the bound is the one the log hears of; the second is dropped quietly.
  assert.equal(run.steps[6], ['=typeAheadDropped 5']);
  assert.equal(run.steps[7], []);
  // The next prompt says so once, above itself; what was kept is read.
  assert.equal(run.steps[8], ['Typed ahead past 5 characters: the rest was dropped.\n> ', 'vwxyz']);
  assert.equal(run.steps[9], ['\n', '=line vwxyz']);
  // Exactly the bound again (5): kept, nothing said; one more: said again, a new spell.
  assert.equal(run.steps.slice(10, 12), [[], []]);
  assert.equal(run.steps[12], ['=typeAheadDropped 5']);
  assert.equal(run.steps[13], ['Typed ahead past 5 characters: the rest was dropped.\n> ', 'abcde']);
});

test('past the type-ahead bound the rest goes, its Enter too: a line cut short never runs, nor an empty one', () => {
  // 'ab' waits (2 of 5); 'cdefgh' would pass the bound: dropped, and with it the Enter and 'x' after it.
  const cut = script({ maxLineLength: 5 }, ['run\r', 'ab', 'cdefgh', '\r', 'x', { begin: true }, '\r']);
  assert.equal(cut.steps.slice(2), [
    [],
    ['=typeAheadDropped 5'],
    [],
    [],
    // What was kept is typed at the prompt, not entered: the user sees it and decides.
    ['Typed ahead past 5 characters: the rest was dropped.\n> ', 'ab'],
    ['\n', '=line ab'],
  ]);
  // Nothing kept: the dropped run's Enter reads no empty line; the next spell is bounded afresh.
  const whole = script({ maxLineLength: 5 }, ['run\r', 'abcdef', '\r', { begin: true }, 'again\r', 'vwxyz', '\r', { begin: true }]);
  assert.equal(whole.steps.slice(2), [
    ['=typeAheadDropped 5'],
    [],
    ['Typed ahead past 5 characters: the rest was dropped.\n> '],
    ['again\n', '=line again'],
    [],
    ['=typeAheadDropped 5'],
    ['Typed ahead past 5 characters: the rest was dropped.\n> ', 'vwxyz'],
  ]);
});

test('^C while a command runs: the keys typed before it are dropped, the session told; keys after it wait', () => {
  const run = script({}, ['run\r', 'abc', '\x03', 'de', { begin: true }, '\r']);
  assert.equal(run.steps, [['> '], ['run\n', '=line run'], [], ['^C\n', '=interruptCommand'], [], ['> ', 'de'], ['\n', '=line de']]);
});

test('two ^C in one piece of type-ahead: one interruption, everything up to the last ^C dropped', () => {
  const run = script({}, ['run\r', 'a\x03b\x03c', { begin: true }, '\r']);
  assert.equal(run.steps, [['> '], ['run\n', '=line run'], ['^C\n', '=interruptCommand'], ['> ', 'c'], ['\n', '=line c']]);
});

test('interrupt() while a command runs acts as ^C typed: type-ahead before it dropped, after it kept', () => {
  const run = script({}, ['run\r', 'ab', { interrupt: true }, 'c', { begin: true }]);
  assert.equal(run.steps, [['> '], ['run\n', '=line run'], [], ['^C\n', '=interruptCommand'], [], ['> ', 'c']]);
  assert.is(run.editor.buffer, 'c');
});

test('a ^C while a command runs does not count against the type-ahead bound', () => {
  const run = script({ maxLineLength: 3 }, ['run\r', 'abc', '\x03', 'xyz', '!', { begin: true }]);
  assert.equal(run.steps.slice(2), [[], ['^C\n', '=interruptCommand'], [], ['=typeAheadDropped 3'], ['Typed ahead past 3 characters: the rest was dropped.\n> ', 'xyz']]);
});

test('interrupt(), eraseCharacter() and eraseLine() on a line being read: ^C ABORT, Backspace, ^U', () => {
  const run = script({}, ['abc', { erase: 'character' }, { erase: 'line' }, 'x', { interrupt: true }, { begin: true }, { interrupt: true }]);
  assert.equal(run.steps, [['> '], ['abc'], ['\x1b[1D\x1b[J'], ['\x1b[2D\x1b[J'], ['x'], ['^C ABORT\n', '=interrupt'], ['> '], ['^C ABORT\n', '=interrupt']]);
});

test('a closed editor reads nothing more: keys, calls and begin() do nothing; a message is a plain line', () => {
  const run = script({}, ['ab', { close: true }, 'cd', { interrupt: true }, { erase: 'character' }, { erase: 'line' }, { begin: true }, { above: 'M' }]);
  assert.equal(run.steps, [['> '], ['ab'], [], [], [], [], [], [], ['M\n']]);
  assert.not.ok(run.editor.active);
});

test('close() while a command runs drops the type-ahead', () => {
  const run = script({}, ['run\r', 'queued\r', { close: true }, { begin: true }]);
  assert.equal(run.steps.slice(2), [[], [], []]);
});

test('messages while no line is read are plain lines; leaveInput and redraw do nothing', () => {
  const run = script({}, ['x\r', { above: 'hello' }, { leave: true }, { redraw: true }]);
  assert.equal(run.steps, [['> '], ['x\n', '=line x'], ['hello\n'], [], []]);
});

test.run();
