import stringWidth from 'string-width';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const graphemes = new Intl.Segmenter();

const widthOf = (text: string) => (PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text));

/**
 * `text` broken into rows of at most `width` terminal columns, at spaces where it can be: the spaces
 * at a break are dropped, a word wider than a row is cut between characters (wide and combining
 * characters kept whole), each `\n` of the text ends a row, and rows after the first of a line start
 * with `indent`. Widths count columns, so CJK takes two and ANSI colour codes none.
 */
export function wordWrap(text: string, width: number, indent = ''): string[] {
  const rows: string[] = [];
  const room = Math.max(1, Math.floor(width));
  const hang = widthOf(indent) < room ? indent : '';
  for (const line of text.split('\n')) wrapLine(line, room, hang, rows);
  return rows;
}

function wrapLine(line: string, width: number, indent: string, rows: string[]): void {
  if (widthOf(line) <= width) {
    rows.push(line);
    return;
  }
  const first = rows.length;
  let row = '';
  let rowWidth = 0;
  const newRow = () => {
    rows.push(row);
    row = indent;
    rowWidth = widthOf(indent);
  };
  // Runs of spaces, each with the word after it.
  for (const [, spaces = '', word = ''] of line.matchAll(/( *)([^ ]*)/g)) {
    if (word === '') {
      // Spaces at the end of the line: kept while they fit, else the break eats them.
      if (spaces !== '' && rowWidth + spaces.length <= width) {
        row += spaces;
        rowWidth += spaces.length;
      }
      continue;
    }
    const wordWidth = widthOf(word);
    if (rowWidth + spaces.length + wordWidth <= width) {
      row += spaces + word;
      rowWidth += spaces.length + wordWidth;
      continue;
    }
    if (row.trim() !== '') {
      newRow(); // the break: the spaces before the word are dropped
    } else if (rowWidth + spaces.length < width) {
      row += spaces; // leading spaces of the line stay while a column is left after them
      rowWidth += spaces.length;
    }
    if (rowWidth + wordWidth <= width) {
      row += word;
      rowWidth += wordWidth;
      continue;
    }
    // A word wider than the row: cut between characters.
    for (const { segment } of graphemes.segment(word)) {
      const segmentWidth = stringWidth(segment);
      if (rowWidth + segmentWidth > width && row.trim() !== '') newRow();
      // Leading spaces or an indent leave too little room for this (wide) character: they go, so no
      // row runs past the width.
      if (rowWidth + segmentWidth > width) [row, rowWidth] = ['', 0];
      row += segment;
      rowWidth += segmentWidth;
    }
  }
  if (row.trim() !== '' || rows.length === first) rows.push(row);
}
