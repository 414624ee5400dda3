import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commonPrefix, completionContext, continuing, matchingNames, quoteWord, tabOutcome } from '../../src/shell/completion.js';
import { columns } from '../../src/terminal/columns.js';

test('completionContext: finished words, the partial word and where it starts', () => {
  assert.equal(completionContext(''), { words: [], partial: '', start: 0, quote: null });
  assert.equal(completionContext('ec'), { words: [], partial: 'ec', start: 0, quote: null });
  assert.equal(completionContext('help '), { words: ['help'], partial: '', start: 5, quote: null });
  assert.equal(completionContext('get "my fi'), { words: ['get'], partial: 'my fi', start: 4, quote: '"' });
  assert.equal(completionContext('get a\\ b'), { words: ['get'], partial: 'a b', start: 4, quote: null });
  assert.equal(completionContext("x 'it''s"), { words: ['x'], partial: 'its', start: 2, quote: "'" });
  assert.equal(completionContext("x 'it''s'"), { words: ['x'], partial: 'its', start: 2, quote: null });
});

test('quoteWord quotes only what needs it', () => {
  assert.is(quoteWord('plain'), 'plain');
  assert.is(quoteWord('two words'), '"two words"');
  assert.is(quoteWord('say "hi"'), '"say \\"hi\\""');
  assert.is(quoteWord(''), '""');
});

test('commonPrefix, continuing (exact), matchingNames (any case, shown in the case typed)', () => {
  assert.is(commonPrefix(['history', 'hide', 'hi']), 'hi');
  assert.is(commonPrefix([]), '');
  assert.equal(continuing(['b', 'a', 'ab', 'a', 'B'], 'a'), ['a', 'ab']);
  assert.equal(matchingNames(['ECHO', 'EXIT', 'HELP'], 'e'), ['echo', 'exit']);
  assert.equal(matchingNames(['ECHO', 'EXIT', 'HELP'], 'E'), ['ECHO', 'EXIT']);
  assert.equal(matchingNames(['ECHO', 'EXIT', 'HELP'], 'Ec'), ['echo']);
  assert.equal(matchingNames(['ECHO'], 'x'), []);
});

test('tabOutcome: one candidate completes with a space; several give the prefix, then a list', () => {
  const at = completionContext('get fi');
  assert.equal(tabOutcome(at, ['file one'], false), { kind: 'replace', start: 4, text: '"file one" ' });
  assert.equal(tabOutcome(at, ['file-a', 'file-b'], false), { kind: 'replace', start: 4, text: 'file-' });
  assert.equal(tabOutcome(at, ['file a', 'file b'], false), { kind: 'replace', start: 4, text: '"file ' });
  const stuck = completionContext('get file-');
  assert.equal(tabOutcome(stuck, ['file-a', 'file-b'], false), { kind: 'none' });
  assert.equal(tabOutcome(stuck, ['file-a', 'file-b'], true), { kind: 'list', candidates: ['file-a', 'file-b'] });
  assert.equal(tabOutcome(stuck, [], true), { kind: 'none' });
});

test('columns: down then across like ls, fitted to the width', () => {
  const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
  assert.is(columns(names, 80), 'alpha    bravo    charlie  delta    echo');
  assert.is(columns(names, 30), 'alpha    charlie  echo\nbravo    delta');
  assert.is(columns(names, 5), names.join('\n'));
  assert.is(columns(['界界', 'a'], 10), '界界  a');
  assert.is(columns([], 80), '');
});

test.run();
