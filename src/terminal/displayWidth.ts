import stringWidth from 'string-width';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Terminal columns a text takes. Plain ASCII, by far the most common input, is counted by length:
 * string-width segments into graphemes, which costs about a second on a 64 KiB paste.
 */
export function displayWidth(text: string): number {
  return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text);
}

const segmenter = new Intl.Segmenter();

/**
 * The column reached by printing `text` from `column` on a terminal `rowWidth` wide (columns counted
 * across rows): a wide character that would straddle the right margin goes to the next row, as
 * terminals print it, leaving the last cell blank.
 */
export function advance(column: number, text: string, rowWidth: number): number {
  if (PRINTABLE_ASCII.test(text)) return column + text.length;
  let at = column;
  for (const { segment } of segmenter.segment(text)) {
    const width = stringWidth(segment);
    if (width === 2 && at % rowWidth === rowWidth - 1) at++;
    at += width;
  }
  return at;
}
