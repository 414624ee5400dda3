/** What ends a message cut to the length limit, and how the cut is recognised again. */
const CUT_NOTE = / \[\.\.\. \d+ characters cut\]$/;

/** The longest note `cutMessage` adds (its count has at most 16 digits). */
export const CUT_NOTE_MAX_LENGTH = ' [... 9999999999999999 characters cut]'.length;

/**
 * `text` within `max` UTF-16 units, or its first `max` (never half a surrogate pair) and a note of
 * how much was left out. A text this has already cut is returned as it is, so a message cut where it
 * was sent (before it crossed to another process) reads the same where it is shown.
 */
export function cutMessage(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = CUT_NOTE.exec(text);
  if (note && (note.index === max || note.index === max - 1)) return text;
  const end = max > 0 && /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return `${text.slice(0, end)} [... ${text.length - end} characters cut]`;
}
