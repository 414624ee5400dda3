import stringWidth from 'string-width';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Terminal columns a text takes. Plain ASCII, by far the most common input, is counted by length:
 * string-width segments into graphemes, which costs about a second on a 64 KiB paste.
 */
export function displayWidth(text: string): number {
  return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text);
}
