import stringWidth from 'string-width';

/**
 * One byte per UTF-16 code unit of a line: 0 inside a character (grapheme), 1 + its width in
 * terminal cells (0, 1 or 2) where one starts. Kept beside the line so that moving, erasing and
 * redrawing never measure the line again: only text that was just typed is measured.
 */
export type Cells = Uint8Array;

/** Work done measuring and walking cells, for tests that prove an edit costs no more than its key. */
export const cellWork = { measured: 0, scanned: 0 };

/**
 * Longest run handed to the segmenter at once: Intl.Segmenter slows down with the length of the
 * string it is given (100,000 `é` take 6 s in one piece, 0.12 s in pieces of 100).
 */
const SEGMENT_WINDOW = 128;

const segmenter = new Intl.Segmenter();

/** string-width per grapheme builds an emoji regex each call: widths already found are kept. */
const widthCache = new Map<string, number>();
const WIDTH_CACHE_SIZE = 4096;

function graphemeWidth(grapheme: string): number {
  let width = widthCache.get(grapheme);
  if (width === undefined) {
    width = Math.min(2, stringWidth(grapheme));
    if (grapheme.length > 16) return width;
    if (widthCache.size >= WIDTH_CACHE_SIZE) widthCache.clear();
    widthCache.set(grapheme, width);
  }
  return width;
}

/** Width of a code unit that is a character by itself and joins nothing, or -1 when it may join. */
function simpleWidth(code: number): number {
  if (code >= 0x20 && code < 0x7f) return 1;
  if (code >= 0xa0 && code < 0x300 && code !== 0xad) return 1;
  if (code >= 0x4e00 && code <= 0x9fff) return 2;
  if (code === 0xfffd) return 1;
  return -1;
}

/**
 * The cells of `text` taken as a whole line piece. Plain characters (ASCII, Latin, CJK ideographs,
 * U+FFFD from invalid UTF-8) are counted directly; runs of anything else (combining marks, emoji,
 * surrogates, joiners) are segmented in short windows, with one plain character either side so a
 * mark joins the letter before it.
 */
export function measureCells(text: string): Cells {
  const cells = new Uint8Array(text.length);
  cellWork.measured += text.length;
  let i = 0;
  while (i < text.length) {
    const width = simpleWidth(text.charCodeAt(i));
    if (width >= 0) {
      cells[i++] = 1 + width;
      continue;
    }
    // A run that needs the segmenter: from the plain character before it to the one after it.
    let end = i;
    while (end < text.length && simpleWidth(text.charCodeAt(end)) < 0) end++;
    const start = i > 0 ? i - 1 : 0;
    segmentInto(cells, text, start, Math.min(text.length, end + 1));
    i = Math.min(text.length, end + 1);
  }
  return cells;
}

/** Segments text[start, end) in windows; a grapheme cut by a window's end is measured again whole. */
function segmentInto(cells: Cells, text: string, start: number, end: number): void {
  let from = start;
  while (from < end) {
    const to = Math.min(end, from + SEGMENT_WINDOW);
    const window = text.slice(from, to);
    let next = to;
    let previous = 0;
    for (const { segment, index } of segmenter.segment(window)) {
      const at = from + index;
      // The last grapheme of a window that stops short may go on: start the next window with it. A
      // grapheme cut inside a surrogate pair comes out as two pieces (its whole code points, then the
      // lone surrogate), so the one before it starts the next window too (measured again, whole).
      if (to < end && index > 0 && at + segment.length === to) {
        next = previous > 0 ? from + previous : at;
        break;
      }
      cells.fill(0, at, at + segment.length);
      cells[at] = 1 + graphemeWidth(segment);
      previous = index;
    }
    from = next;
  }
}

/**
 * The cells of a line, growing in place: insertions and deletions at the cursor move the bytes
 * after it (a memory move, no measuring), and the sum of widths is kept as they happen.
 */
/** No cells: shared by every empty line (it has no room, so nothing is ever written into it). */
export const NO_CELLS: Cells = new Uint8Array(0);

export class CellLine {
  /** Room is made at the first character: a session idle at its prompt holds none. */
  #cells: Cells = NO_CELLS;
  #length = 0;
  #width = 0;

  get length(): number {
    return this.#length;
  }

  /** Cells of the whole line, not counting wide characters pushed past a margin. */
  get width(): number {
    return this.#width;
  }

  /** 1 + width where a character starts, 0 inside one. */
  at(index: number): number {
    return this.#cells[index] ?? 0;
  }

  clear(): void {
    this.#length = 0;
    this.#width = 0;
    // An idle session holds no room for its line (a 64-byte array is about 200 bytes of heap).
    this.#cells = NO_CELLS;
  }

  /** The line becomes exactly `cells` (a copy is kept). */
  replace(cells: Cells): void {
    // The room already made is kept: walking history up and down allocates nothing.
    this.#length = 0;
    this.#width = 0;
    this.insert(0, cells);
  }

  snapshot(): Cells {
    return this.#cells.slice(0, this.#length);
  }

  insert(index: number, cells: Cells): void {
    const need = this.#length + cells.length;
    if (need > this.#cells.length) {
      const grown = new Uint8Array(Math.max(need, this.#cells.length * 2, 64));
      grown.set(this.#cells.subarray(0, this.#length));
      this.#cells = grown;
    }
    this.#cells.copyWithin(index + cells.length, index, this.#length);
    this.#cells.set(cells, index);
    this.#length = need;
    this.#width += sumWidths(cells, 0, cells.length);
  }

  remove(start: number, end: number): void {
    if (end <= start) return;
    this.#width -= sumWidths(this.#cells, start, end);
    this.#cells.copyWithin(start, end, this.#length);
    this.#length -= end - start;
  }

  /** Overwrites cells from `index` (a neighbourhood measured again after an edit). */
  overwrite(index: number, cells: Cells): void {
    this.#width += sumWidths(cells, 0, cells.length) - sumWidths(this.#cells, index, index + cells.length);
    this.#cells.set(cells, index);
  }

  /** Where the character before `index` starts (0 at the start). */
  previousStart(index: number): number {
    let at = Math.max(0, index - 1);
    while (at > 0 && this.#cells[at] === 0) at--;
    cellWork.scanned += index - at;
    return at;
  }

  /** Where the character after the one at `index` starts (the length at the end). */
  nextStart(index: number): number {
    let at = index + 1;
    while (at < this.#length && this.#cells[at] === 0) at++;
    cellWork.scanned += at - index;
    return Math.min(at, this.#length);
  }

  /** The start of the character holding `index` (itself when it starts one). */
  startOf(index: number): number {
    let at = index;
    while (at > 0 && at < this.#length && this.#cells[at] === 0) at--;
    cellWork.scanned += index - at;
    return at;
  }
}

function sumWidths(cells: Cells, start: number, end: number): number {
  let width = 0;
  for (let i = start; i < end; i++) if (cells[i]! > 0) width += cells[i]! - 1;
  return width;
}
