import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { LineEditor, type ReadOptions } from '../../src/terminal/lineEditor.js';
import { check } from './runs.js';

const WIDTH = 20;

/**
 * A narrow terminal as xterm behaves: text wraps at the right margin (the cursor waits there until
 * the next character), CSI A/B/C/D move within the screen (never below its last row), CSI J/K erase.
 */
class WrappingScreen {
  rows: string[][] = [[]];
  row = 0;
  column = 0;
  pendingWrap = false;

  write(output: string): void {
    for (let i = 0; i < output.length; i++) {
      const ch = output[i]!;
      if (ch === '\x1b') {
        const csi = /^\x1b\[(\d*)([A-Za-z])/.exec(output.slice(i, i + 12));
        if (!csi) throw new Error(`unexpected escape ${JSON.stringify(output.slice(i, i + 8))}`);
        this.#csi(Number(csi[1] || 1), csi[2]!, csi[1] ?? '');
        i += csi[0].length - 1;
      } else if (ch === '\r') {
        this.column = 0;
        this.pendingWrap = false;
      } else if (ch === '\n') {
        // The transport sends "\n" as CR LF.
        this.#newRow();
      } else if (ch === '\x07') {
        continue;
      } else {
        if (this.pendingWrap) this.#newRow();
        const row = this.rows[this.row]!;
        while (row.length < this.column) row.push(' ');
        row[this.column] = ch;
        if (this.column === WIDTH - 1) this.pendingWrap = true;
        else this.column++;
      }
    }
  }

  #newRow(): void {
    this.row++;
    this.column = 0;
    this.pendingWrap = false;
    if (this.row === this.rows.length) this.rows.push([]);
  }

  #csi(n: number, final: string, raw: string): void {
    this.pendingWrap = false;
    if (final === 'A') this.row = Math.max(0, this.row - n);
    else if (final === 'B') {
      if (this.row + n > this.rows.length - 1) throw new Error('moved below the last row: that row was never made');
      this.row += n;
    } else if (final === 'C') this.column = Math.min(WIDTH - 1, this.column + n);
    else if (final === 'D') this.column = Math.max(0, this.column - n);
    else if (final === 'J' && raw === '') {
      this.rows[this.row]!.length = Math.min(this.rows[this.row]!.length, this.column);
      this.rows.length = this.row + 1;
    } else if (final === 'K') this.rows[this.row]!.length = Math.min(this.rows[this.row]!.length, this.column);
    else throw new Error(`unexpected CSI ${raw}${final}`);
  }
}

const PROMPT = '> ';

/** The rows prompt + buffer should take, and where the cursor should be among them. */
function expected(buffer: string, cursor: number) {
  const text = PROMPT + buffer;
  const rows: string[] = [];
  for (let at = 0; at < text.length; at += WIDTH) rows.push(text.slice(at, at + WIDTH));
  // Input ending exactly at the margin: the editor has begun the next, empty row.
  if (text.length % WIDTH === 0) rows.push('');
  const column = PROMPT.length + cursor;
  return { rows, cursorRow: Math.floor(column / WIDTH), cursorColumn: column % WIDTH };
}

const key = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('a', 'b', ' ', 'xyz', 'longer words here') },
  {
    weight: 6,
    arbitrary: fc.constantFrom('\x7f', '\x1b[D', '\x1b[C', '\x1b[A', '\x1b[B', '\x1b[H', '\x1b[F', '\x1b[3~', '\x01', '\x05', '\x15', '\x0b', '\x17'),
  },
  { weight: 1, arbitrary: fc.constant('MSG') },
);

test('input wrapped over several rows: the rows show prompt + buffer and the cursor is where the editor says', () => {
  check(
    fc.property(fc.array(key, { maxLength: 50 }), (keys) => {
      const screen = new WrappingScreen();
      const edit = new LineEditor({ output: (text) => screen.write(text), line: () => {}, interrupt: () => {}, endOfInput: () => {}, lineTooLong: () => {} });
      edit.setWidth(WIDTH);
      const history = ['a history entry long enough to wrap twice over', 'short'];
      const read: ReadOptions = { prompt: PROMPT, echo: true, useHistory: true, history };
      edit.begin(read);
      for (const k of keys) {
        if (k === 'MSG') edit.writeAbove('a message above the line');
        else edit.feed(k);
        const want = expected(edit.buffer, edit.cursor);
        const first = screen.rows.length - want.rows.length;
        assert.equal(screen.rows.slice(first).map((row) => row.join('')), want.rows, `after ${JSON.stringify(k)}`);
        assert.is(screen.row - first, want.cursorRow, 'cursor row');
        assert.is(screen.pendingWrap ? WIDTH : screen.column, want.cursorColumn === 0 && screen.pendingWrap ? WIDTH : want.cursorColumn, 'cursor column');
      }
    }),
  );
});

test.run();
