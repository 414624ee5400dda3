import stringWidth from 'string-width';

const segmenter = new Intl.Segmenter();

/** Where each grapheme starts and its width, from the segmenter and string-width (wide capped at 2). */
export function reference(text: string): Array<[number, number]> {
  return [...segmenter.segment(text)].map(({ segment, index }) => [index, Math.min(2, stringWidth(segment))]);
}

/** The same read from the editor's cells: each character's start and width. */
export function starts(cells: Uint8Array): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  cells.forEach((cell, index) => {
    if (cell > 0) found.push([index, cell - 1]);
  });
  return found;
}
