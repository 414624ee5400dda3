/** How much command history one session keeps; the oldest lines go first. */
export interface HistoryLimits {
  /** Most lines kept. */
  lines: number;
  /** Most characters all kept lines hold together, so pasted walls of text cannot pile up. */
  characters: number;
}

/** A shell's usual size (bash keeps 500 lines), and at most 64 Ki characters in all. */
export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { lines: 500, characters: 64 * 1024 };

/**
 * Adds an entered line to `history` (the handler's own array, which users may edit): blank lines and
 * a repeat of the last line are not kept, and the oldest lines are dropped to stay within `limits`.
 */
export function remember(history: string[], line: string, limits: HistoryLimits): void {
  if (line.trim() === '' || history[history.length - 1] === line) return;
  if (line.length > limits.characters || limits.lines <= 0) return;
  history.push(line);
  let characters = 0;
  for (const kept of history) characters += kept.length;
  let drop = Math.max(0, history.length - limits.lines);
  for (let i = 0; i < drop; i++) characters -= history[i]!.length;
  while (characters > limits.characters) characters -= history[drop++]!.length;
  if (drop > 0) history.splice(0, drop);
}
