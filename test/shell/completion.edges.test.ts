// Tab completion at its edges: runs of spaces and tabs between words, escapes (\t, \n, a backslash
// with nothing after it), a backslash inside single quotes, and the order and case candidates are
// offered in. Each case is what the user sees after pressing Tab.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { completionContext, continuing, matchingNames } from '../../src/shell/completion.js';

test('runs of spaces or tabs between words are one separator (no empty words)', () => {
  assert.equal(completionContext('a  b'), { words: ['a'], partial: 'b', start: 3, quote: null });
  assert.equal(completionContext('a\t\tb'), { words: ['a'], partial: 'b', start: 3, quote: null });
  assert.equal(completionContext('a \t b '), { words: ['a', 'b'], partial: '', start: 6, quote: null });
  assert.equal(completionContext('get\tfi'), { words: ['get'], partial: 'fi', start: 4, quote: null });
});

test('leading blanks: the first word starts after them', () => {
  assert.equal(completionContext(' ec'), { words: [], partial: 'ec', start: 1, quote: null });
  assert.equal(completionContext('\t ec'), { words: [], partial: 'ec', start: 2, quote: null });
});

test('escapes: \\t and \\n are the characters, any other escaped character itself', () => {
  assert.equal(completionContext('get a\\tb\\n'), { words: ['get'], partial: 'a\tb\n', start: 4, quote: null });
  assert.equal(completionContext('get a\\xb'), { words: ['get'], partial: 'axb', start: 4, quote: null });
});

test('a backslash as the last character completes the word before it, never undefined', () => {
  assert.equal(completionContext('get \\'), { words: ['get'], partial: '', start: 4, quote: null });
  assert.equal(completionContext('get ab\\'), { words: ['get'], partial: 'ab', start: 4, quote: null });
});

test('inside single quotes a backslash is an ordinary character', () => {
  assert.equal(completionContext("x 'a\\b"), { words: ['x'], partial: 'a\\b', start: 2, quote: "'" });
  assert.equal(completionContext("x 'a\\' y"), { words: ['x', 'a\\'], partial: 'y', start: 7, quote: null });
});

test('quotes open and close inside one word', () => {
  assert.equal(completionContext('get ab"cd ef'), { words: ['get'], partial: 'abcd ef', start: 4, quote: '"' });
  assert.equal(completionContext('get "ab"cd'), { words: ['get'], partial: 'abcd', start: 4, quote: null });
});

test('continuing: sorted whatever order the completer gives', () => {
  assert.equal(continuing(['ab', 'a'], 'a'), ['a', 'ab']);
  assert.equal(continuing(['zeta', 'beta', 'alpha'], ''), ['alpha', 'beta', 'zeta']);
});

test('matchingNames: sorted, lower case for an empty or letterless partial', () => {
  assert.equal(matchingNames(['HELP', 'ECHO', 'EXIT'], ''), ['echo', 'exit', 'help']);
  assert.equal(matchingNames(['2X', '2FA'], '2'), ['2fa', '2x']);
  assert.equal(matchingNames(['HELP', 'HISTORY'], 'HI'), ['HISTORY']);
});

test.run();
