import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import stringWidth from 'string-width';
import { LineEditor, type ReadOptions } from '../../src/terminal/lineEditor.js';
import { check } from './runs.js';

/**
 * A one-row terminal, wide enough never to wrap: it understands what the editor writes (text, CR,
 * LF, CSI n C/D, CSI K, CSI J, CSI H + CSI 2 J) and fails on anything else, so the test also proves the
 * editor sends nothing a terminal would misread.
 */
class Screen {
  cells: string[] = [];
  column = 0;
  rows = 0;

  write(output: string): void {
    for (let i = 0; i < output.length; ) {
      const csi = /^\x1b\[(\d*)([A-Za-z])/.exec(output.slice(i, i + 16));
      if (csi) {
        this.#csi(Number(csi[1] || 1), csi[2]!, csi[1] ?? '');
        i += csi[0].length;
        continue;
      }
      const ch = String.fromCodePoint(output.codePointAt(i)!);
      i += ch.length;
      if (ch === '\r') this.column = 0;
      else if (ch === '\n') this.#newRow();
      else if (ch === '\x1b') throw new Error(`unexpected escape ${JSON.stringify(output.slice(i - 1, i + 8))}`);
      else this.#put(ch);
    }
  }

  get text(): string {
    return this.cells.join('');
  }

  #newRow(): void {
    this.cells = [];
    this.column = 0;
    this.rows++;
  }

  #put(ch: string): void {
    const width = stringWidth(ch);
    if (width === 0 && this.column > 0) {
      // A combining mark joins the cell before it, as terminals draw it.
      this.cells[this.column - 1] += ch;
      return;
    }
    while (this.cells.length < this.column) this.cells.push(' ');
    this.cells[this.column] = ch;
    // A wide character covers the next cell too.
    if (width === 2) this.cells[this.column + 1] = '';
    this.column += Math.max(width, 1);
  }

  #csi(n: number, final: string, raw: string): void {
    if (final === 'C') this.column += n;
    else if (final === 'D') this.column = Math.max(0, this.column - n);
    else if (final === 'K' || (final === 'J' && raw === '')) this.cells.length = Math.min(this.cells.length, this.column);
    else if (final === 'H') this.column = 0;
    else if (final === 'J' && raw === '2') this.cells = [];
    else throw new Error(`unexpected CSI ${raw}${final}`);
  }
}

const PROMPT = 'Telnet Server> ';

function editor(options: Partial<ReadOptions> = {}) {
  const screen = new Screen();
  const lines: string[] = [];
  const read: ReadOptions = { prompt: PROMPT, echo: true, useHistory: true, history: ['first', 'second 界'], ...options };
  let ended = 0;
  const edit = new LineEditor(
    {
      output: (text) => screen.write(text),
      line: (text) => lines.push(text),
      interrupt: () => ended++,
      interruptCommand: () => {},
      endOfInput: () => ended++,
      lineTooLong: () => ended++,
    },
    { maxLineLength: 200 },
  );
  edit.begin(read);
  /** Starts the next line when the last key ended one, as the shell does after each command. */
  const again = () => {
    if (!edit.active) edit.begin(read);
  };
  return { edit, screen, lines, again, read };
}

// Keys as a client sends them: text (ASCII, accented, wide, combining, emoji) and editing sequences.
const keyInput = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', ' ', 'xyz', 'é', '界', 'e\u0301', '👍', '🇫🇷') },
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      '\x7f', '\b', '\x1b[D', '\x1b[C', '\x1b[A', '\x1b[B', '\x1b[H', '\x1b[F', '\x1b[3~', '\x1bOD', '\x1b[1~', '\x1b[4~',
      '\x01', '\x05', '\x02', '\x06', '\x0b', '\x15', '\x17', '\x0c', '\x10', '\x0e', '\x04',
      '\x1bb', '\x1bf', '\x1bd', '\x1b\x7f', '\x1b[1;5D', '\x1b[1;5C',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('\r', '\x03') },
);

test('any key sequence: the line on screen equals the buffer and the cursor is where the editor says', () => {
  check(
    fc.property(fc.array(keyInput, { maxLength: 60 }), (keys) => {
      const { edit, screen, again } = editor();
      for (const key of keys) {
        edit.feed(key);
        again();
        assert.ok(edit.cursor >= 0 && edit.cursor <= edit.buffer.length, 'cursor within the line');
        assert.is(screen.text, PROMPT + edit.buffer);
        assert.is(screen.column, stringWidth(PROMPT + edit.buffer.slice(0, edit.cursor)));
      }
    }),
  );
});

test('asynchronous messages above the line keep the half-typed input on screen', () => {
  check(
    fc.property(fc.array(fc.oneof(keyInput, fc.constant('MSG')), { maxLength: 40 }), (keys) => {
      const { edit, screen, again } = editor();
      for (const key of keys) {
        if (key === 'MSG') edit.writeAbove('message');
        else edit.feed(key);
        again();
      }
      assert.is(screen.text, PROMPT + edit.buffer);
      assert.is(screen.column, stringWidth(PROMPT + edit.buffer.slice(0, edit.cursor)));
    }),
  );
});

test('a secret is never shown, whatever is typed', () => {
  check(
    fc.property(fc.array(keyInput, { maxLength: 40 }), (keys) => {
      const { edit, screen, again } = editor({ echo: false, useHistory: false, prompt: 'Password: ' });
      for (const key of keys) {
        edit.feed(key);
        again();
        assert.ok(screen.text === 'Password: ' || screen.text === '^C ABORT' || screen.text === '', screen.text);
      }
    }),
  );
});

test('any input at all, in any chunks: never throws, the buffer stays within the limit', () => {
  check(
    fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 20 }), (chunks) => {
      const edit = new LineEditor({ output: () => {}, line: () => {}, interrupt: () => {}, interruptCommand: () => {}, endOfInput: () => {}, lineTooLong: () => {} }, { maxLineLength: 100 });
      const read: ReadOptions = { prompt: '> ', echo: true, useHistory: true, history: [] };
      edit.begin(read);
      for (const chunk of chunks) {
        edit.feed(chunk);
        if (!edit.active) edit.begin(read);
        assert.ok(edit.buffer.length <= 100);
        assert.ok(edit.cursor >= 0 && edit.cursor <= edit.buffer.length);
      }
    }),
  );
});

test('lines entered come out as typed, whatever the chunking', () => {
  check(
    fc.property(fc.array(fc.constantFrom('a', 'b', ' ', '界', 'é'), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 6 }), (chars, cuts) => {
      const typed = `${chars.join('')}\r`;
      const { edit, lines } = editor();
      const points = [...new Set(cuts.map((cut) => cut % (typed.length + 1)))].sort((a, b) => a - b);
      let start = 0;
      for (const point of [...points, typed.length]) {
        edit.feed(typed.slice(start, point));
        start = point;
      }
      assert.equal(lines, [chars.join('')]);
    }),
  );
});

test.run();
