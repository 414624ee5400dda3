export type ParseResult = { complete: true; words: string[] } | { complete: false };

export interface ParsedInput {
  /** The text as typed, each line followed by "\n". */
  raw: string;
  /** The command name, upper case (as the seed gives it). */
  cmd: string;
  params: string[];
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', '\\': '\\', ' ': ' ', '"': '"', "'": "'" };

/**
 * Bash-like splitting of the lines entered so far (joined with "\n"): spaces separate, quotes keep
 * text together, `\` escapes, backslash-newline joins lines. An unclosed quote or a trailing `\`
 * means the command goes on in the next line. One pass, never throws.
 */
export function parseCommandLine(text: string): ParseResult {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && quote !== "'") {
      if (i + 1 >= text.length) return { complete: false };
      const next = text[++i]!;
      if (next === '\n') continue; // line continuation
      word += ESCAPES[next] ?? next;
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

export function toInput(lines: readonly string[], words: readonly string[]): ParsedInput {
  return { raw: lines.map((line) => `${line}\n`).join(''), cmd: (words[0] ?? '').toUpperCase(), params: words.slice(1) };
}
