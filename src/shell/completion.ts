// Tab completion, pure: where the word under the cursor starts, how a candidate is quoted, and what a
// Tab does with the candidates. The session supplies the candidates (command names, completers).

/** The text before the cursor, split as the parser would: finished words and the partial one. */
export interface CompletionContext {
  /** Words before the one being completed, unquoted. */
  words: string[];
  /** The word being completed, unquoted, as typed so far. */
  partial: string;
  /** Where the partial word starts in the raw text (at its opening quote, if any). */
  start: number;
  /** The quote the partial word is inside, if it is. */
  quote: '"' | "'" | null;
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n' };

export function completionContext(before: string): CompletionContext {
  const words: string[] = [];
  // The word's pieces: slices of `before` and escaped characters, joined once (never `word += ch`).
  let parts: string[] = [];
  let from = -1;
  const cut = (index: number) => {
    if (from >= 0 && index > from) parts.push(before.slice(from, index));
    from = -1;
  };
  const take = () => {
    const word = parts.length === 1 ? parts[0]! : parts.join('');
    parts = [];
    return word;
  };
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
      cut(i);
      if (i + 1 < before.length) {
        const next = before[++i]!;
        parts.push(ESCAPES[next] ?? next);
      }
    } else if (quote) {
      if (ch === quote) {
        cut(i);
        quote = null;
      } else if (from < 0) from = i;
    } else if (ch === '"' || ch === "'") {
      cut(i);
      quote = ch;
    } else if (ch === ' ' || ch === '\t') {
      cut(i);
      if (inWord) words.push(take());
      else parts = [];
      inWord = false;
      start = i + 1;
    } else if (from < 0) from = i;
  }
  cut(before.length);
  return { words, partial: inWord ? take() : '', start: inWord ? start : before.length, quote };
}

/** The candidate as it must be typed: quoted when it holds spaces, quotes or backslashes. */
export function quoteWord(word: string): string {
  if (word !== '' && !/[\s"'\\]/.test(word)) return word;
  return `"${word.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
}

/** The longest text every candidate starts with. */
export function commonPrefix(words: readonly string[]): string {
  if (words.length === 0) return '';
  let prefix = words[0]!;
  for (const word of words) {
    let i = 0;
    while (i < prefix.length && i < word.length && prefix[i] === word[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

/** Parameter candidates that continue `partial` exactly, sorted, each once. */
export function continuing(candidates: Iterable<string>, partial: string): string[] {
  return [...new Set([...candidates].filter((candidate) => candidate.startsWith(partial)))].sort();
}

/** Command names that continue `partial` (letter case ignored), in the case the user is typing in. */
export function matchingNames(candidates: Iterable<string>, partial: string): string[] {
  const lower = partial.toLowerCase();
  const upper = partial !== '' && partial === partial.toUpperCase() && partial !== lower;
  const found = new Set<string>();
  for (const candidate of candidates) {
    if (!candidate.toLowerCase().startsWith(lower)) continue;
    // Names are shown in lower case unless the user types in capitals.
    found.add(upper ? candidate.toUpperCase() : candidate.toLowerCase());
  }
  return [...found].sort();
}

/** What one Tab does to the line. */
export type TabOutcome =
  | { kind: 'none' }
  | { kind: 'replace'; start: number; text: string }
  | { kind: 'list'; candidates: string[] };

/**
 * One candidate: typed in full (quoted if needed) with a space after it. Several: their common
 * prefix is typed if it adds something; otherwise a second Tab in a row lists them.
 */
export function tabOutcome(context: CompletionContext, candidates: readonly string[], secondTab: boolean): TabOutcome {
  if (candidates.length === 0) return { kind: 'none' };
  if (candidates.length === 1) return { kind: 'replace', start: context.start, text: `${quoteWord(candidates[0]!)} ` };
  const prefix = commonPrefix(candidates);
  if (prefix.length > context.partial.length) {
    // An unfinished quoted prefix stays open so typing can go on inside it.
    const quoted = quoteWord(prefix);
    const text = quoted.startsWith('"') ? quoted.slice(0, -1) : quoted;
    return { kind: 'replace', start: context.start, text };
  }
  return secondTab ? { kind: 'list', candidates: [...candidates] } : { kind: 'none' };
}
