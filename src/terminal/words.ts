/**
 * Word moves for Alt-b / Alt-f / Alt-d / Alt-Backspace, as readline has them: a word is a run of
 * letters, digits and marks (so `café` with a combining accent is one word, `a-b` two).
 *
 * A walk looks at no more than WORD_WALK_LIMIT characters, so a key costs a bounded amount however
 * long the line: a move is free to repeat (Alt-b, Alt-f, Alt-b...), unlike ^W, which pays for what it
 * erases. A "word" longer than that (a pasted key, a hash) is crossed in steps of this many characters.
 */
export const WORD_WALK_LIMIT = 256;

const WORD_CHARACTER = /[\p{L}\p{N}\p{M}]/u;

function isWordCode(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 0x80) return (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a);
  // Either half of a surrogate pair is tested with its partner, so astral letters count as letters.
  const start = code >= 0xdc00 && code <= 0xdfff ? index - 1 : index;
  const end = code >= 0xd800 && code <= 0xdbff ? index + 2 : index + 1;
  return WORD_CHARACTER.test(text.slice(Math.max(0, start), end));
}

/** Where a backward word move from `index` stops: the start of the word before it (readline's backward-word). */
export function wordStartBefore(text: string, index: number): number {
  const stop = Math.max(0, index - WORD_WALK_LIMIT);
  let at = index;
  while (at > stop && !isWordCode(text, at - 1)) at--;
  while (at > stop && isWordCode(text, at - 1)) at--;
  return at;
}

/** Where a forward word move from `index` stops: the end of the word after it (readline's forward-word). */
export function wordEndAfter(text: string, index: number): number {
  const stop = Math.min(text.length, index + WORD_WALK_LIMIT);
  let at = index;
  while (at < stop && !isWordCode(text, at)) at++;
  while (at < stop && isWordCode(text, at)) at++;
  return at;
}
