// The one sanitising boundary: text that crosses from one client to another (messages, usernames,
// session lists) and text written to the server log. Pure: strings in, strings out.

/**
 * Characters a terminal (or a log viewer) acts on instead of showing: C0 (U+0000-U+001F), DEL, C1
 * (U+0080-U+009F, where U+009B is an 8-bit CSI and U+009D an 8-bit OSC on ISO-8859-1 terminals), the
 * Unicode bidirectional marks, overrides and isolates that reorder what the eye reads (U+061C,
 * U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), and the line and paragraph separators (U+2028,
 * U+2029) that some viewers break lines at.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const UNSAFE_BUT_LINE_FEED = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/**
 * What a name may not hold although a terminal shows it harmlessly: characters that show nothing
 * (format characters such as U+200B ZERO WIDTH SPACE, U+00AD SOFT HYPHEN, U+FEFF, the tag characters;
 * every default-ignorable one, such as the Hangul fillers U+3164 and U+115F and the variation
 * selectors; U+2800 BRAILLE PATTERN BLANK), so that `al\u200bice` cannot pass for `alice` nor a
 * filler for a name; and a combining mark at the start, with no letter to sit on.
 */
const INVISIBLE = /\p{Cf}|\p{Default_Ignorable_Code_Point}|\u2800|^\p{M}/u;
/** More marks on one character than any script needs: a name that spills over the rows around it. */
export const MAX_MARKS_PER_CHARACTER = 4;
const STACKED_MARKS = new RegExp(`\\p{M}{${MAX_MARKS_PER_CHARACTER + 1}}`, 'u');

export interface NeutralizeOptions {
  /** Keep line breaks (CR LF, CR, LF become one LF); otherwise LF is shown as `^J` like any other control. */
  lineBreaks?: boolean;
}

/**
 * `text` with every control character shown instead of acted on: C0 and DEL in caret notation
 * (`^[` for ESC, `^G` for BEL, `^?` for DEL), C1 and the bidi controls as escapes (`\x9b`,
 * `\u202e`). Text without any is returned as it is (no copy).
 */
export function neutralize(text: string, { lineBreaks = false }: NeutralizeOptions = {}): string {
  if (!UNSAFE.test(text)) return text;
  if (!lineBreaks) return text.replace(UNSAFE_ALL, visible);
  return text.replace(/\r\n?/g, '\n').replace(UNSAFE_BUT_LINE_FEED, visible);
}

function visible(character: string): string {
  const code = character.charCodeAt(0);
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  if (code === 0x7f) return '^?';
  if (code <= 0x9f) return `\\x${code.toString(16)}`;
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A client's name for a log line: at most `max` characters, in quotes (a longer one is cut and
 * followed by its length), its controls in caret notation (`^[`) like every other log text. One
 * form on every transport (JSON escapes were `\u001b`).
 */
export function quoteForLog(text: string, max = 64): string {
  if (text.length <= max) return `"${forLog(text)}"`;
  // Cut: said so, with the length, so a log reader never takes the cut name for the whole one.
  return `"${forLog(text.slice(0, max))}"... (${text.length} characters)`;
}

/** Controls as in `neutralize`, and what shows nothing as its code (`a\u200bb`): a log reader sees every character. */
function forLog(text: string): string {
  return neutralize(text).replace(INVISIBLE_ALL, codePoint);
}

const INVISIBLE_ALL = /[\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/gu;

function codePoint(character: string): string {
  const code = character.codePointAt(0)!;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Longest username accepted, in characters (code points). */
export const MAX_USERNAME_LENGTH = 64;

/** Empty or spaces only: no name at all (a telnet prompt asks again; SSH refuses it). */
export function isBlankUsername(name: string): boolean {
  return name.trim() === '';
}

/**
 * Why `name` cannot be a username, or null when it can: at most 64 characters, no control
 * characters, none that show nothing, no spaces around it, no pile of marks on one character. Every way a name comes in (telnet login, SSH) is checked with this one rule.
 */
export function usernameProblem(name: string): string | null {
  // Counted by code points, but a name of 4 times the limit in UTF-16 units is refused before counting.
  if (name.length > MAX_USERNAME_LENGTH * 2 || [...name].length > MAX_USERNAME_LENGTH) {
    return `usernames are at most ${MAX_USERNAME_LENGTH} characters`;
  }
  if (UNSAFE.test(name)) return 'usernames may not contain control characters';
  if (INVISIBLE.test(name)) return 'usernames may not contain invisible characters';
  if (isBlankUsername(name)) return 'usernames may not be empty';
  // '  alice' would pass for 'alice' in a list of names.
  if (name.trim() !== name) return 'usernames may not begin or end with spaces';
  if (STACKED_MARKS.test(name)) return `usernames may not stack more than ${MAX_MARKS_PER_CHARACTER} marks on one character`;
  return null;
}
