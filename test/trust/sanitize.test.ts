// The sanitising boundary as a table: what each kind of character becomes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_USERNAME_LENGTH, neutralize, quoteForLog, usernameProblem } from '../../src/text/sanitize.js';

const CASES: ReadonlyArray<readonly [string, string, string, string]> = [
  // [what, input, on one line, with line breaks kept]
  ['plain text is kept as it is', 'hello wörld 日本 ✓', 'hello wörld 日本 ✓', 'hello wörld 日本 ✓'],
  ['ESC shown as ^[', '\x1b[2J', '^[[2J', '^[[2J'],
  ['OSC title with BEL', '\x1b]0;PWNED\x07', '^[]0;PWNED^G', '^[]0;PWNED^G'],
  ['the issue\'s username', '\x1b]0;PWNED\x07\x1b[2J\x1b[31mroot', '^[]0;PWNED^G^[[2J^[[31mroot', '^[]0;PWNED^G^[[2J^[[31mroot'],
  ['NUL and the first C0', '\x00\x01', '^@^A', '^@^A'],
  ['the last C0 (US)', '\x1f', '^_', '^_'],
  ['space is the first character kept', ' ', ' ', ' '],
  ['tab', 'a\tb', 'a^Ib', 'a^Ib'],
  ['DEL', 'a\x7fb', 'a^?b', 'a^?b'],
  ['~ just below DEL is kept', '~', '~', '~'],
  ['8-bit CSI (U+009B)', '\u009b2J', '\\x9b2J', '\\x9b2J'],
  ['8-bit OSC (U+009D) and ST (U+009C)', '\u009d0;T\u009c', '\\x9d0;T\\x9c', '\\x9d0;T\\x9c'],
  ['the first C1 (U+0080)', '\u0080', '\\x80', '\\x80'],
  ['NBSP (U+00A0) just past C1 is kept', '\u00a0é', '\u00a0é', '\u00a0é'],
  ['bidi override and isolate', 'a\u202eb\u2066c', 'a\\u202eb\\u2066c', 'a\\u202eb\\u2066c'],
  ['bidi marks: RLM, LRM, ALM (four hex digits)', 'a\u200fb\u200ec\u061cd', 'a\\u200fb\\u200ec\\u061cd', 'a\\u200fb\\u200ec\\u061cd'],
  ['line and paragraph separators are shown, not line breaks', 'x\u2028y\u2029z', 'x\\u2028y\\u2029z', 'x\\u2028y\\u2029z'],
  ['the neighbours of what is shown are kept (U+2027, U+202F, U+200D)', '\u2027\u202f\u200d', '\u2027\u202f\u200d', '\u2027\u202f\u200d'],
  ['LF', 'one\ntwo', 'one^Jtwo', 'one\ntwo'],
  ['CR LF is one line break', 'one\r\ntwo', 'one^M^Jtwo', 'one\ntwo'],
  ['a bare CR is a line break too (never a return to column 0 over text)', 'one\rtwo', 'one^Mtwo', 'one\ntwo'],
  ['a vertical tab and a form feed are no line breaks', 'a\x0bb\x0cc', 'a^Kb^Lc', 'a^Kb^Lc'],
];

for (const [what, input, oneLine, lines] of CASES) {
  test(`neutralize: ${what}`, () => {
    assert.is(neutralize(input), oneLine);
    assert.is(neutralize(input, { lineBreaks: true }), lines);
    // Idempotent: what comes out holds nothing a second pass would change.
    assert.is(neutralize(oneLine), oneLine);
    assert.is(neutralize(lines, { lineBreaks: true }), lines);
  });
}

test('neutralize: every code point of C0, DEL and C1 is changed, and nothing out has one', () => {
  for (let code = 0; code <= 0x9f; code++) {
    if (code >= 0x20 && code < 0x7f) continue;
    const out = neutralize(`a${String.fromCharCode(code)}b`);
    assert.is.not(out, `a${String.fromCharCode(code)}b`, `U+${code.toString(16)}`);
    assert.not.match(out, /[\u0000-\u001f\u007f-\u009f]/, `U+${code.toString(16)}`);
  }
});

test('usernameProblem: 64 characters pass, 65 do not; counted in characters, not UTF-16 units', () => {
  assert.is(MAX_USERNAME_LENGTH, 64);
  assert.is(usernameProblem('a'.repeat(64)), null);
  assert.match(usernameProblem('a'.repeat(65)) ?? '', /at most 64 characters/);
  assert.is(usernameProblem('😀'.repeat(64)), null, '64 astral characters (128 UTF-16 units)');
  assert.match(usernameProblem('😀'.repeat(65)) ?? '', /at most 64/);
  assert.is(usernameProblem('josé-ünal 李'), null);
  assert.is(usernameProblem(''), 'usernames may not be empty', 'no name at all is refused on every transport');
  assert.is(usernameProblem('   '), 'usernames may not be empty');
  // Spaces inside a name are kept; around it, '  alice' would pass for 'alice' in a list of names.
  assert.is(usernameProblem('a b'), null);
  for (const padded of [' a ', ' a', 'a ', 'a\u3000', '\u00a0a']) {
    assert.is(usernameProblem(padded), 'usernames may not begin or end with spaces', JSON.stringify(padded));
  }
});

test('usernameProblem: any control character is refused (ESC, BEL, CSI, OSC, DEL, LF, bidi)', () => {
  for (const bad of ['\x1b]0;PWNED\x07\x1b[2J\x1b[31mroot', 'a\x07', 'a\u009bb', 'a\u009d', 'a\x7f', 'a\nb', 'a\u202e', '\x00']) {
    assert.match(usernameProblem(bad) ?? '', /control characters/, JSON.stringify(bad));
  }
});

test('usernameProblem: characters that show nothing are refused, so no name can pass for another', () => {
  // Zero-width space, BOM, soft hyphen, a tag character, word joiner, zero-width joiner.
  for (const bad of ['al\u200bice', '\ufeffroot', 'a\u00adb', 'a\u{e0041}b', 'a\u2060b', 'a\u200db']) {
    assert.is(usernameProblem(bad), 'usernames may not contain invisible characters', JSON.stringify(bad));
  }
  // Bidi marks and separators are refused as control characters (they are shown as escapes elsewhere).
  for (const bad of ['a\u200fb', 'a\u061cb', 'x\u2028y', 'a\u2029b']) {
    assert.match(usernameProblem(bad) ?? '', /control characters/, JSON.stringify(bad));
  }
  // Fillers that show as nothing (Hangul fillers, the braille blank) and variation selectors, alone or inside.
  for (const bad of ['\u3164', '\u115f\u115f', '\u1160', '\uffa0', '\u2800\u2800', 'a\ufe0fb', 'a\u034fb', 'x\u{e0100}']) {
    assert.is(usernameProblem(bad), 'usernames may not contain invisible characters', JSON.stringify(bad));
  }
  // A combining mark needs a letter before it; after one it is part of the name.
  assert.is(usernameProblem('\u0301\u0301'), 'usernames may not contain invisible characters');
  assert.is(usernameProblem('e\u0301'), null);
  assert.is(usernameProblem('zoë'), null);
  // Four marks on one letter (Vietnamese needs two, some scripts three or four); five is a pile.
  assert.is(usernameProblem(`x${'\u0301'.repeat(4)}y${'\u0300'.repeat(4)}`), null);
  assert.is(usernameProblem(`x${'\u0301'.repeat(5)}`), 'usernames may not stack more than 4 marks on one character');
  assert.is(usernameProblem(`x${'\u0301'.repeat(63)}`), 'usernames may not stack more than 4 marks on one character');
  assert.is(usernameProblem('Nguyễn'), null);
});

test('quoteForLog: 64 characters whole; 65 cut to 64 and said to be cut, with the length; controls shown', () => {
  assert.is(quoteForLog('a'.repeat(64)), `"${'a'.repeat(64)}"`);
  assert.is(quoteForLog('a'.repeat(65)), `"${'a'.repeat(64)}"... (65 characters)`);
  assert.is(quoteForLog('x\x1b[2Jy'), '"x^[[2Jy"');
  assert.is(quoteForLog('abcd', 3), '"abc"... (4 characters)');
  // What shows nothing is shown by its code, so 'a\u200bb' cannot pass for 'ab' in the log.
  assert.is(quoteForLog('a\u200bb\u00ad\ufeff'), '"a\\u200bb\\u00ad\\ufeff"');
  assert.is(quoteForLog('x\u{e0041}\u3164\u2800'), '"x\\u{e0041}\\u3164\\u2800"');
  assert.is(quoteForLog('jos\u00e9 \u674e'), '"jos\u00e9 \u674e"');
});

test.run();
