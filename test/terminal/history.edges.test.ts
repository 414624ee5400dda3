// History limits at their exact boundaries, with room to spare so the trimming cannot hide a wrong
// answer: blank lines of any whitespace, a limit of zero lines, a line of exactly the character limit
// and one more, a history of exactly the limit, and the defaults (bash's 500 lines, 64 Ki characters).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_HISTORY_LIMITS, remember } from '../../src/terminal/history.js';

const roomy = { lines: 100, characters: 10_000 };

test('blank lines of any whitespace are never kept, even with room to spare', () => {
  const history: string[] = [];
  for (const line of ['', ' ', '\t', '  \t ', 'x']) remember(history, line, roomy);
  assert.equal(history, ['x']);
});

test('a line of exactly the character limit is kept; one character more is not', () => {
  const history: string[] = [];
  remember(history, 'x'.repeat(10), { lines: 5, characters: 10 });
  assert.equal(history, ['x'.repeat(10)]);
  remember(history, 'y'.repeat(11), { lines: 5, characters: 10 });
  assert.equal(history, ['x'.repeat(10)]);
});

test('lines adding up to exactly the character limit are all kept; one more character drops the oldest', () => {
  const history: string[] = [];
  const limits = { lines: 10, characters: 10 };
  for (const line of ['abc', 'def', 'ghij']) remember(history, line, limits);
  assert.equal(history, ['abc', 'def', 'ghij']);
  remember(history, 'k', limits);
  assert.equal(history, ['def', 'ghij', 'k']);
});

test('exactly the line limit is kept; the next line drops only the oldest', () => {
  const history: string[] = [];
  const limits = { lines: 3, characters: 1000 };
  for (const line of ['1', '2', '3']) remember(history, line, limits);
  assert.equal(history, ['1', '2', '3']);
  remember(history, '4', limits);
  assert.equal(history, ['2', '3', '4']);
});

test('a limit of zero lines keeps nothing; one line keeps the last', () => {
  const none: string[] = [];
  remember(none, 'a', { lines: 0, characters: 100 });
  assert.equal(none, []);
  const one: string[] = [];
  remember(one, 'a', { lines: 1, characters: 100 });
  remember(one, 'b', { lines: 1, characters: 100 });
  assert.equal(one, ['b']);
});

test('both limits at once: lines first, then characters, counting only what is kept', () => {
  const history = ['aaaaaaaaaa', 'b', 'c'];
  remember(history, 'dddddddd', { lines: 3, characters: 10 });
  // 'aaaaaaaaaa' goes for the line limit; 'b' + 'c' + 'dddddddd' is exactly 10: kept.
  assert.equal(history, ['b', 'c', 'dddddddd']);
});

test("the defaults: bash's 500 lines and 64 Ki characters", () => {
  assert.equal(DEFAULT_HISTORY_LIMITS, { lines: 500, characters: 64 * 1024 });
});

test.run();
