import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { joinContinuation, parseCommandLine, type ParseResult } from '../../src/shell/parser.js';
import { completionContext, type CompletionContext } from '../../src/shell/completion.js';
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

/** The parser as it was (a character at a time), kept as the reference the slicing parser must match. */
function referenceParse(text: string): ParseResult {
  const escapes: Record<string, string> = { t: '\t', n: '\n', '\\': '\\', ' ': ' ', '"': '"', "'": "'" };
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && quote !== "'") {
      if (i + 1 >= text.length) return { complete: false };
      const next = text[++i]!;
      if (next === '\n') continue;
      word += escapes[next] ?? next;
      inWord = true;
    } else if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) return { complete: false };
  if (inWord) words.push(word);
  return { complete: true, words };
}

/** Completion's splitting as it was, the reference for the slicing one. */
function referenceContext(before: string): CompletionContext {
  const escapes: Record<string, string> = { t: '\t', n: '\n' };
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let start = 0;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < before.length; i++) {
    const ch = before[i]!;
    if (!inWord && ch !== ' ' && ch !== '\t') {
      inWord = true;
      start = i;
    }
    if (ch === '\\' && quote !== "'") {
      if (i + 1 < before.length) {
        const next = before[++i]!;
        word += escapes[next] ?? next;
      }
    } else if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      start = i + 1;
    } else {
      word += ch;
    }
  }
  return { words, partial: inWord ? word : '', start: inWord ? start : before.length, quote };
}

const shellText = fc.array(fc.constantFrom('a', 'b', ' ', '\t', '"', "'", '\\', '\n', 'n', 't', 'é', '界'), { maxLength: 40 }).map((chars) => chars.join(''));

test('words built from slices: the same words as the character-at-a-time reference, for any text', () => {
  check(
    fc.property(fc.oneof(shellText, fc.string({ unit: 'binary', maxLength: 60 })), (text) => {
      assert.equal(parseCommandLine(text), referenceParse(text));
      assert.equal(completionContext(text), referenceContext(text));
    }),
  );
});

test('a command over continuation lines, joined into one line for history, parses to the same words', () => {
  const lineText = fc.array(fc.constantFrom('a', 'b', ' ', '"', "'", '\\', 'n'), { maxLength: 12 }).map((chars) => chars.join(''));
  check(
    fc.property(fc.array(lineText, { minLength: 1, maxLength: 5 }), (lines) => {
      const typed = parseCommandLine(lines.join('\n'));
      if (!typed.complete) return;
      const joined = joinContinuation(lines);
      assert.not.ok(joined.includes('\n'), JSON.stringify(joined));
      assert.equal(parseCommandLine(joined), typed, JSON.stringify({ lines, joined }));
    }),
  );
});

test.run();
