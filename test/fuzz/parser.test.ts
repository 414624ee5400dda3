import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { parseCommandLine } from '../../src/shell/parser.js';
import { check } from './runs.js';

/** Quotes a word so the parser gives it back unchanged, whatever characters it holds. */
const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

test('any text: never throws, and the answer is the same when asked twice', () => {
  check(
    fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
      assert.equal(parseCommandLine(text), parseCommandLine(text));
    }),
  );
});

test('quoted words come back as they were, complete', () => {
  check(
    fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 8 }), (words) => {
      assert.equal(parseCommandLine(words.map(quote).join(' ')), { complete: true, words });
    }),
  );
});

const plainText = fc.string({ maxLength: 30 }).map((text) => text.replace(/["'\\]/g, ''));

test('an unclosed quote or a trailing backslash asks for more; closing it completes the command', () => {
  check(
    fc.property(fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }), plainText, fc.constantFrom('"', "'"), (words, rest, mark) => {
      const start = `${words.map(quote).join(' ')} ${mark}${rest}`;
      assert.equal(parseCommandLine(start), { complete: false });
      assert.equal(parseCommandLine(`${start}\\`), { complete: false });
      assert.equal(parseCommandLine(`${start}\n${rest}${mark}`), { complete: true, words: [...words, `${rest}\n${rest}`] });
    }),
  );
});

test('a trailing backslash outside quotes continues; the next line joins the word', () => {
  check(
    fc.property(plainText, plainText, (first, second) => {
      assert.equal(parseCommandLine(`${first}\\`), { complete: false });
      assert.equal(parseCommandLine(`${first}\\\n${second}`), parseCommandLine(first + second));
    }),
  );
});

test.run();
