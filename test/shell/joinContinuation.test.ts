// A command typed over continuation lines is kept in history as one line (issue 15). The joined line
// must read back as the same words: each case checks the line history gets and what it parses to.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { joinContinuation, parseCommandLine } from '../../src/shell/parser.js';

const CASES: Array<[string, string[], string, string[]]> = [
  ['a backslash-newline is dropped', ['echo a \\', 'b'], 'echo a b', ['echo', 'a', 'b']],
  ['a backslash-newline inside a word joins the halves', ['echo ab\\', 'cd'], 'echo abcd', ['echo', 'abcd']],
  ['a newline inside double quotes is written \\n', ['echo "a', 'b"'], 'echo "a\\nb"', ['echo', 'a\nb']],
  ['a newline inside single quotes closes, escapes and reopens', ["echo 'a", "b'"], "echo 'a'\\n'b'", ['echo', 'a\nb']],
  ['an escaped backslash at the end is not a continuation', ['echo \\\\', 'b'], 'echo \\\\ b', ['echo', '\\', 'b']],
  ['a backslash inside single quotes is literal, so the quote stays open', ["echo 'a\\", "b'"], "echo 'a\\'\\n'b'", ['echo', 'a\\\nb']],
  ['an escaped quote does not close the double quotes', ['echo "a\\"', 'b"'], 'echo "a\\"\\nb"', ['echo', 'a"\nb']],
  ['an escaped quote outside quotes opens none', ['echo \\"', 'x'], 'echo \\" x', ['echo', '"', 'x']],
  ['a closed quote before the newline: the lines are separate words', ['echo "a"', 'b'], 'echo "a" b', ['echo', 'a', 'b']],
  ['three lines, double then single quotes', ['say "x', "y\" 'z", "w'"], "say \"x\\ny\" 'z'\\n'w'", ['say', 'x\ny', 'z\nw']],
  ['one line is kept as typed', ['echo  "a b"  '], 'echo  "a b"  ', ['echo', 'a b']],
];

for (const [name, lines, joined, words] of CASES) {
  test(`joinContinuation: ${name}`, () => {
    assert.is(joinContinuation(lines), joined);
    assert.equal(parseCommandLine(joinContinuation(lines)), { complete: true, words });
    // The same words the lines gave when typed.
    assert.equal(parseCommandLine(lines.join('\n')), { complete: true, words });
  });
}

test('joinContinuation: no lines is the empty line', () => {
  assert.is(joinContinuation([]), '');
});

test.run();
