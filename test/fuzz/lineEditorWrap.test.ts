import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { LineEditor, type ReadOptions } from '../../src/terminal/lineEditor.js';
import stringWidth from 'string-width';
import { check, FUZZ_RUNS } from './runs.js';

const WIDTH = 20;

/**
 * A narrow terminal as xterm behaves: text wraps at the right margin (the cursor waits there until
 * the next character), a wide character that does not fit in the last column goes to the next row,
 * CSI A/B/C/D move within the screen (never below its last row), CSI J/K erase.
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
        const char = String.fromCodePoint(output.codePointAt(i)!);
        i += char.length - 1;
        const width = stringWidth(char);
        if (this.pendingWrap || (width === 2 && this.column === WIDTH - 1)) this.#newRow();
        const row = this.rows[this.row]!;
        while (row.length < this.column) row.push(' ');
        row[this.column] = char;
        if (width === 2) row[this.column + 1] = '';
        if (this.column + width >= WIDTH) {
          this.column = WIDTH - 1;
          this.pendingWrap = true;
        } else {
          this.column += width;
        }
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

/** Lays text out in rows of WIDTH cells, a wide character never split over the margin. */
function layout(text: string): { rows: string[]; end: number } {
  const rows: string[] = [];
  let row = '';
  let column = 0;
  let end = 0;
  for (const ch of text) {
    const width = stringWidth(ch);
    if (width === 2 && column === WIDTH - 1) {
      rows.push(row);
      [row, column] = ['', 0];
      end++;
    }
    row += ch;
    column += width;
    end += width;
    if (column === WIDTH) {
      rows.push(row);
      [row, column] = ['', 0];
    }
  }
  // Input ending exactly at the margin: the editor has begun the next, empty row.
  rows.push(row);
  return { rows, end };
}

/** The rows prompt + buffer should take, and where the cursor should be among them. */
function expected(buffer: string, cursor: number) {
  const { rows } = layout(PROMPT + buffer);
  const { end: column } = layout(PROMPT + buffer.slice(0, cursor));
  return { rows, cursorRow: Math.floor(column / WIDTH), cursorColumn: column % WIDTH };
}

const key = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('a', 'b', ' ', 'xyz', 'longer words here', '界', '日本語', 'é') },
  {
    weight: 6,
    arbitrary: fc.constantFrom('\x7f', '\x1b[D', '\x1b[C', '\x1b[A', '\x1b[B', '\x1b[H', '\x1b[F', '\x1b[3~', '\x01', '\x05', '\x15', '\x0b', '\x17', '\x1bb', '\x1bf', '\x1bd', '\x1b\x7f'),
  },
  { weight: 1, arbitrary: fc.constant('MSG') },
);

test('input wrapped over several rows: the rows show prompt + buffer and the cursor is where the editor says', () => {
  check(
    fc.property(fc.array(key, { maxLength: 50 }), (keys) => {
      const screen = new WrappingScreen();
      const edit = new LineEditor({ output: (text) => screen.write(text), line: () => {}, interrupt: () => {}, interruptCommand: () => {}, endOfInput: () => {}, lineTooLong: () => {} });
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
        assert.not.ok(screen.pendingWrap, 'the editor never leaves the cursor waiting at the margin');
        assert.is(screen.column, want.cursorColumn, 'cursor column');
      }
    }),
  );
});

// Long pastes push the input past a screenful (scrolled in one row) and editing brings it back.
const longKey = fc.oneof(
  { weight: 6, arbitrary: key },
  { weight: 1, arbitrary: fc.constantFrom('PASTE', 'WIDE', '\x17\x17\x17', '\x15', '\x0c') },
);
const PASTES: Record<string, string> = {
  PASTE: Array.from({ length: 110 }, (_, i) => String.fromCharCode(0x61 + (i % 26))).join(''),
  WIDE: '界éa👍'.repeat(25),
};

test('long input scrolled in one row: the row shows the prompt and a piece of the buffer around the cursor', () => {
  // A quarter of the runs: each case types hundreds of characters through a screen model.
  fc.assert(
    fc.property(fc.array(longKey, { maxLength: 40 }), (keys) => {
      const screen = new WrappingScreen();
      // A screenful of 200 cells (the server's is 2048), so that the property runs fast.
      const sink = { output: (text: string) => screen.write(text), line: () => {}, interrupt: () => {}, interruptCommand: () => {}, endOfInput: () => {}, lineTooLong: () => {} };
      const edit = new LineEditor(sink, { wrapLimit: 200 });
      edit.setWidth(WIDTH);
      const history = ['a history entry long enough to wrap twice over', PASTES.PASTE!.repeat(2)];
      edit.begin({ prompt: PROMPT, echo: true, useHistory: true, history });
      for (const k of keys) {
        if (k === 'MSG') edit.writeAbove('a message above the line');
        else if (k === '\x0c') {
          // ^L: the screen cleared, the cursor home, the line drawn again.
          Object.assign(screen, { rows: [[]], row: 0, column: 0, pendingWrap: false });
          edit.redraw();
        } else edit.feed(PASTES[k] ?? k);
        assert.not.ok(screen.pendingWrap, 'the editor never leaves the cursor waiting at the margin');
        if (!edit.scrolled) {
          const want = expected(edit.buffer, edit.cursor);
          const first = screen.rows.length - want.rows.length;
          assert.equal(screen.rows.slice(first).map((row) => row.join('')), want.rows, `after ${JSON.stringify(k)}`);
          assert.is(screen.row - first, want.cursorRow, 'cursor row');
          assert.is(screen.column, want.cursorColumn, 'cursor column');
          continue;
        }
        assert.is(screen.row, screen.rows.length - 1, 'the scrolled row is the last');
        const row = screen.rows[screen.row]!.join('');
        assert.ok(row.startsWith(PROMPT), row);
        const shown = row.slice(PROMPT.length);
        assert.ok(stringWidth(row) <= WIDTH - 1, 'the last column stays free');
        // Where the piece shown sits in the buffer: the cursor inside it, at its column.
        let found = false;
        for (let k2 = edit.buffer.indexOf(shown); k2 >= 0 && !found; k2 = edit.buffer.indexOf(shown, k2 + 1)) {
          if (k2 <= edit.cursor && edit.cursor <= k2 + shown.length) {
            found = screen.column === stringWidth(PROMPT + edit.buffer.slice(k2, edit.cursor));
          }
        }
        assert.ok(found, `row ${JSON.stringify(row)} column ${screen.column} cursor ${edit.cursor}`);
      }
    }),
    { numRuns: Math.ceil(FUZZ_RUNS / 4) },
  );
});

test.run();