import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCommandLine, toInput } from '../../src/shell/parser.js';

const CASES: Array<[string, string[] | null]> = [
  ['echo 1 "2 3"', ['echo', '1', '2 3']],
  ['echo 1\\ 2', ['echo', '1 2']],
  ["echo 'a b' c", ['echo', 'a b', 'c']],
  ['  spaced   out\t words ', ['spaced', 'out', 'words']],
  ['echo ""', ['echo', '']],
  ['echo a"b c"d', ['echo', 'ab cd']],
  ['echo \\t\\n\\\\\\"\\\'', ['echo', '\t\n\\"\'']],
  ['echo "in \\"quotes\\""', ['echo', 'in "quotes"']],
  ["echo 'no \\n escapes'", ['echo', 'no \\n escapes']],
  ['echo \\x', ['echo', 'x']],
  ['', []],
  ['echo "open', null],
  ["echo 'open", null],
  ['echo trailing \\', null],
];

for (const [input, words] of CASES) {
  test(`parse ${JSON.stringify(input)}`, () => {
    const result = parseCommandLine(input);
    if (words === null) assert.equal(result, { complete: false });
    else assert.equal(result, { complete: true, words });
  });
}

test('the seed continuation case, fed line by line', () => {
  const lines = ['echo 1 \\', '2 "3', '4" "5\\', '6"'];
  for (let i = 1; i < lines.length; i++) {
    assert.equal(parseCommandLine(lines.slice(0, i).join('\n')), { complete: false }, `after ${i} line(s)`);
  }
  assert.equal(parseCommandLine(lines.join('\n')), { complete: true, words: ['echo', '1', '2', '3\n4', '56'] });
});

test('input.raw, cmd and params as the seed gives them', () => {
  assert.equal(toInput(['echo 1 "2 3"'], ['echo', '1', '2 3']), { raw: 'echo 1 "2 3"\n', cmd: 'ECHO', params: ['1', '2 3'] });
});

test('never throws on arbitrary input', () => {
  let seed = 1;
  const chars = ['a', ' ', '"', "'", '\\', '\n', '\t', 'é'];
  for (let i = 0; i < 2000; i++) {
    let text = '';
    for (let j = 0; j < 20; j++) text += chars[(seed = (seed * 1103515245 + 12345) & 0x7fffffff) % chars.length];
    const result = parseCommandLine(text);
    assert.type(result.complete, 'boolean');
  }
});

test.run();
