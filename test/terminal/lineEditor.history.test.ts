import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_HISTORY_LIMITS } from '../../src/terminal/history.js';
import { script } from '../support/editorScript.js';

// What Enter puts into the handler's history array, and walking it while it changes.

test('remember: false: Up still walks the history, Enter adds nothing', () => {
  const run = script({ read: { remember: false, history: ['x'] } }, ['ls\r', { begin: true }, '\x1b[A']);
  assert.equal(run.steps.slice(1), [['ls\n', '=line ls'], ['> '], ['\x1b[Jx']]);
  assert.equal(run.read.history, ['x']);
});

test('the read\'s history limits are the ones applied: two lines kept of three', () => {
  const run = script({ read: { historyLimits: { lines: 2, characters: 100 } } }, ['a\r', { begin: true }, 'b\r', { begin: true }, 'c\r']);
  assert.equal(run.read.history, ['b', 'c']);
});

test(`without limits the defaults: ${DEFAULT_HISTORY_LIMITS.lines} lines, the oldest dropped at one more`, () => {
  const history = Array.from({ length: DEFAULT_HISTORY_LIMITS.lines - 1 }, (_, i) => `cmd ${i}`);
  const run = script({ read: { history } }, ['new 1\r']);
  assert.is(history.length, DEFAULT_HISTORY_LIMITS.lines);
  assert.is(history[0], 'cmd 0');
  run.step({ begin: true });
  run.step('new 2\r');
  assert.is(history.length, DEFAULT_HISTORY_LIMITS.lines);
  assert.is(history[0], 'cmd 1');
  assert.is(history.at(-1), 'new 2');
});

test('a blank line and an immediate repeat are not added; the same line after another is', () => {
  const run = script({}, ['  \r', { begin: true }, 'x\r', { begin: true }, 'x\r', { begin: true }, 'y\r', { begin: true }, 'x\r']);
  assert.equal(run.read.history, ['x', 'y', 'x']);
});

test('a history line recalled and entered again is not added twice; one recalled then edited is added', () => {
  const run = script({ read: { history: ['ls', 'pwd'] } }, ['\x1b[A\r', { begin: true }, '\x1b[A\x1b[A!\r']);
  assert.equal(run.steps[1], ['\x1b[Jpwd\n', '=line pwd']);
  assert.equal(run.read.history, ['ls', 'pwd', 'ls!']);
});

test('recalled lines with wide characters are measured right each time they come back', () => {
  const run = script({ read: { history: ['日本', 'ab', '界界界'] } }, ['\x1b[A', '\x1b[A', '\x1b[A', '\x1b[B', '\x1b[B', '\x1b[A', '\x1b[D']);
  assert.equal(run.steps.slice(1), [
    ['\x1b[J界界界'],
    ['\x1b[6D\x1b[Jab'],
    ['\x1b[2D\x1b[J日本'],
    ['\x1b[4D\x1b[Jab'],
    ['\x1b[2D\x1b[J界界界'],
    ['\x1b[6D\x1b[Jab'],
    ['\x1b[1D'],
  ]);
});

test('more than eight different lines recalled: each still drawn and moved over by its own widths', () => {
  const history = Array.from({ length: 12 }, (_, i) => '界'.repeat(i + 1));
  const run = script({ read: { history } }, ['\x1b[A'.repeat(12), '\x1b[B'.repeat(11), '\x1b[D']);
  assert.is(run.editor.buffer, '界'.repeat(12));
  assert.equal(run.steps[3], ['\x1b[2D']);
  run.step('\x1b[A'.repeat(11));
  assert.is(run.editor.buffer, '界');
  assert.equal(run.step('\x1b[D'), ['\x1b[2D']);
});

test.run();
