export type ParseResult = { complete: true; words: string[] } | { complete: false };

export interface ParsedInput {
  /** The text as typed, each line followed by "\n". */
  raw: string;
  /** The command name, upper case (as the seed gives it). */
  cmd: string;
  params: string[];
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', '\\': '\\', ' ': ' ', '"': '"', "'": "'" };

/** The pieces of one word, as slices of the text and escaped characters, joined once at its end. */
class WordBuilder {
  #parts: string[] = [];
  /** Start of the run of plain characters being read, or -1. */
  #from = -1;

  /** A plain character at `index`: the run goes on (nothing is copied until it ends). */
  extend(index: number): void {
    if (this.#from < 0) this.#from = index;
  }

  /** The run ends before `index` (a quote, an escape, a space). */
  cut(text: string, index: number): void {
    if (this.#from >= 0 && index > this.#from) this.#parts.push(text.slice(this.#from, index));
    this.#from = -1;
  }

  add(piece: string): void {
    this.#parts.push(piece);
  }

  take(): string {
    const parts = this.#parts;
    this.#parts = [];
    return parts.length === 1 ? parts[0]! : parts.join('');
  }
}

/**
 * Bash-like splitting of the lines entered so far (joined with "\n"): spaces separate, quotes keep
 * text together, `\` escapes, backslash-newline joins lines. An unclosed quote or a trailing `\`
 * means the command goes on in the next line. One pass, never throws; each word is built from slices
 * of the text joined once, never a character at a time (a 100k-character word is one flat string).
 */
export function parseCommandLine(text: string): ParseResult {
  const words: string[] = [];
  const word = new WordBuilder();
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && quote !== "'") {
      word.cut(text, i);
      if (i + 1 >= text.length) return { complete: false };
      const next = text[++i]!;
      if (next === '\n') continue; // line continuation
      word.add(ESCAPES[next] ?? next);
      inWord = true;
    } else if (quote) {
      if (ch === quote) {
        word.cut(text, i);
        quote = null;
      } else word.extend(i);
    } else if (ch === '"' || ch === "'") {
      word.cut(text, i);
      quote = ch;
      inWord = true;
    } else if (ch === ' ' || ch === '\t' || ch === '\n') {
      word.cut(text, i);
      if (inWord) words.push(word.take());
      inWord = false;
    } else {
      word.extend(i);
      inWord = true;
    }
  }
  if (quote) return { complete: false };
  word.cut(text, text.length);
  if (inWord) words.push(word.take());
  return { complete: true, words };
}

/**
 * The lines of a command typed over continuation lines as one line that parses to the same words,
 * for history (bash with `cmdhist` keeps such a command as one entry too): a backslash-newline is
 * dropped, as bash drops it; a newline inside double quotes is written `\n`, inside single quotes
 * `'\n'` (the quote closed, an escaped newline, the quote opened again).
 */
export function joinContinuation(lines: readonly string[]): string {
  // One line (nearly every command) is itself: nothing to join, no scan.
  if (lines.length === 1) return lines[0]!;
  const parts: string[] = [];
  let quote: '"' | "'" | null = null;
  lines.forEach((line, index) => {
    let trailingBackslash = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (ch === '\\' && quote !== "'") {
        if (i + 1 >= line.length) trailingBackslash = true;
        i++;
      } else if (quote) {
        if (ch === quote) quote = null;
      } else if (ch === '"' || ch === "'") quote = ch;
    }
    const last = index === lines.length - 1;
    if (last) parts.push(line);
    else if (trailingBackslash) parts.push(line.slice(0, -1));
    else if (quote === '"') parts.push(line, '\\n');
    else if (quote === "'") parts.push(line, "'\\n'");
    else parts.push(line, ' ');
  });
  return parts.join('');
}

export function toInput(lines: readonly string[], words: readonly string[]): ParsedInput {
  const raw = lines.length === 1 ? `${lines[0]!}\n` : lines.map((line) => `${line}\n`).join('');
  return { raw, cmd: (words[0] ?? '').toUpperCase(), params: words.slice(1) };
}
