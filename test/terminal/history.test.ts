import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { remember } from '../../src/terminal/history.js';

const limits = { lines: 3, characters: 20 };

test('blank lines and a repeat of the last line are not kept', () => {
  const history: string[] = [];
  for (const line of ['a', '  ', 'a', 'b', 'a']) remember(history, line, limits);
  assert.equal(history, ['a', 'b', 'a']);
});

test('an immediate repeat is not kept even with room to spare; a repeat further back is (issue 21, mutant 7)', () => {
  const history: string[] = [];
  const roomy = { lines: 500, characters: 64 * 1024 };
  for (const line of ['a', 'a', 'b', 'a', 'a', 'b']) remember(history, line, roomy);
  assert.equal(history, ['a', 'b', 'a', 'b']);
});

test('past the line limit the oldest lines go first', () => {
  const history: string[] = [];
  for (const line of ['one', 'two', 'three', 'four', 'five']) remember(history, line, limits);
  assert.equal(history, ['three', 'four', 'five']);
});

test('past the character limit the oldest lines go until the rest fits; a line over it is not kept', () => {
  const history = ['123456789', 'abc'];
  remember(history, 'ABCDEFGHIJ', limits);
  assert.equal(history, ['abc', 'ABCDEFGHIJ']);
  remember(history, 'x'.repeat(21), limits);
  assert.equal(history, ['abc', 'ABCDEFGHIJ']);
});

test('a history edited by the user beyond the limits is brought back within them', () => {
  const history = Array.from({ length: 1000 }, (_, i) => `cmd ${i}`);
  remember(history, 'latest', { lines: 500, characters: 64 * 1024 });
  assert.is(history.length, 500);
  assert.is(history.at(-1), 'latest');
  assert.is(history[0], 'cmd 501');
});

test.run();
