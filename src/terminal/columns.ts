import { displayWidth } from './displayWidth.js';

/**
 * Lays out names in columns down then across, as `ls` does, to fit `width` terminal columns.
 * Returns the lines without a final newline; one name per line when even two columns do not fit.
 */
export function columns(items: readonly string[], width = 80, gap = 2): string {
  if (items.length === 0) return '';
  const widths = items.map((item) => displayWidth(item));
  const cell = Math.max(...widths) + gap;
  const perRow = Math.max(1, Math.floor((width + gap) / cell));
  const rows = Math.ceil(items.length / perRow);
  const lines: string[] = [];
  for (let row = 0; row < rows; row++) {
    let line = '';
    for (let col = 0; col * rows + row < items.length; col++) {
      const index = col * rows + row;
      const last = (col + 1) * rows + row >= items.length;
      line += last ? items[index] : items[index] + ' '.repeat(cell - widths[index]!);
    }
    lines.push(line);
  }
  return lines.join('\n');
}
