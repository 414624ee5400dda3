import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LineEditor, type ReadOptions } from '../../src/terminal/lineEditor.js';
import { completionContext, matchingNames, tabOutcome } from '../../src/shell/completion.js';

/** A one-row screen model: applies the editor's output so tests check what the user sees. */
class Screen {
  rows: string[][] = [[]];
  col = 0;
  apply(text: string) {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '\x1b') {
        const m = /^\x1b\[(\d*)([A-Za-z])/.exec(text.slice(i));
        if (!m) continue;
        const n = Number(m[1] || 1);
        const row = this.rows[this.rows.length - 1]!;
        if (m[2] === 'D') this.col = Math.max(0, this.col - n);
        else if (m[2] === 'C') this.col += n;
        else if (m[2] === 'K' || m[2] === 'J') row.length = this.col;
        i += m[0].length - 1;
      } else if (ch === '\x07') continue; // the bell: heard, not seen
      else if (ch === '\r') this.col = 0;
      else if (ch === '\n') {
        this.rows.push([]);
        this.col = 0;
      } else {
        const row = this.rows[this.rows.length - 1]!;
        // Wide characters take two cells: the second cell holds ''.
        const wide = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]/.test(ch);
        row[this.col++] = ch;
        if (wide) row[this.col++] = '';
      }
    }
  }
  get line() {
    return this.rows[this.rows.length - 1]!.join('');
  }
  get all() {
    return this.rows.map((r) => r.join('')).join('\n');
  }
}

function editor(options: { echo?: boolean; useHistory?: boolean; history?: string[]; max?: number; complete?: ReadOptions['complete'] } = {}) {
  const screen = new Screen();
  const events: string[] = [];
  const history = options.history ?? [];
  const ed = new LineEditor(
    {
      output: (t) => screen.apply(t),
      line: (l) => events.push(`line ${l}`),
      interrupt: () => events.push('interrupt'),
      interruptCommand: () => events.push('interrupt command'),
      endOfInput: () => events.push('eof'),
      lineTooLong: (n) => events.push(`too long ${n}`),
    },
    { maxLineLength: options.max },
  );
  const begin = () =>
    ed.begin({ prompt: '> ', echo: options.echo ?? true, useHistory: options.useHistory ?? true, history, complete: options.complete });
  begin();
  return { ed, screen, events, history, begin };
}

const KEY_CASES: Array<[string, string[], string, number]> = [
  ['typing', ['abc'], 'abc', 3],
  ['backspace 0x7f and 0x08', ['abc\x7f\x08'], 'a', 1],
  ['left, insert mid-line', ['ac\x1b[Db'], 'abc', 2],
  ['ESC O arrows', ['ac\x1bODb'], 'abc', 2],
  ['split escape sequence', ['ac\x1b', '[', 'Db'], 'abc', 2],
  ['delete ESC[3~', ['abc\x1b[D\x1b[D\x1b[3~'], 'ac', 1],
  ['home / end', ['bc\x1b[Ha\x1b[Fd'], 'abcd', 4],
  ['^A / ^E', ['bc\x01a\x05d'], 'abcd', 4],
  ['ESC[1~ and ESC[4~', ['bc\x1b[1~a\x1b[4~d'], 'abcd', 4],
  ['^U kills to start', ['abc\x1b[Dx\x15'], 'c', 0],
  ['^K kills to end', ['abcd\x1b[D\x1b[D\x0b'], 'ab', 2],
  ['^W deletes a word', ['one two  \x17'], 'one ', 4],
  ['right at end does nothing', ['ab\x1b[C'], 'ab', 2],
  ['unknown CSI is swallowed', ['a\x1b[99Zb'], 'ab', 2],
  ['wide characters move as one', ['日本\x1b[Dx'], '日x本', 2],
];

for (const [name, chunks, buffer, cursor] of KEY_CASES) {
  test(`keys: ${name}`, () => {
    const { ed, screen } = editor();
    for (const chunk of chunks) ed.feed(chunk);
    assert.is(ed.buffer, buffer);
    assert.is(ed.cursor, cursor);
    assert.is(screen.line, `> ${buffer}`);
  });
}

test('cursor column follows wide characters', () => {
  const { ed, screen } = editor();
  ed.feed('日本語\x1b[D');
  assert.is(screen.col, 2 + 4);
  ed.feed('\x1b[C');
  assert.is(screen.col, 2 + 6);
});

test('enter emits the line (CR LF as one), pushes history, goes idle', () => {
  const { ed, events, history } = editor();
  ed.feed('echo hi\r\n');
  assert.equal(events, ['line echo hi']);
  assert.equal(history, ['echo hi']);
  assert.not.ok(ed.active);
});

test('type-ahead while idle is kept for the next line', () => {
  const { ed, events, begin, screen } = editor();
  ed.feed('one\rtwo\rthr');
  assert.equal(events, ['line one']);
  begin();
  assert.equal(events, ['line one', 'line two']);
  begin();
  assert.is(ed.buffer, 'thr');
  assert.is(screen.line, '> thr');
});

test('history walk with up/down restores the line being typed', () => {
  const { ed, begin } = editor({ history: ['first', 'second'] });
  ed.feed('draft\x1b[A');
  assert.is(ed.buffer, 'second');
  ed.feed('\x1b[A\x1b[A');
  assert.is(ed.buffer, 'first');
  ed.feed('\x1b[B\x1b[B');
  assert.is(ed.buffer, 'draft');
  ed.feed('\r');
  begin();
  ed.feed('\x1bOA');
  assert.is(ed.buffer, 'draft');
});

test('useHistory false: arrows do nothing and the line is not recorded', () => {
  const { ed, history } = editor({ useHistory: false, history: ['old'] });
  ed.feed('\x1b[Anew\r');
  assert.equal(history, ['old']);
});

test('echo false shows nothing of the line', () => {
  const { ed, screen, events } = editor({ echo: false });
  ed.feed('secret\x7f\x1b[Dx\r');
  assert.equal(events, ['line secrxe']);
  assert.is(screen.all, '> \n');
});

test('echo off with useHistory on: the secret still never enters history, nor comes back with Up', () => {
  const { ed, history, begin } = editor({ echo: false, useHistory: true, history: ['ls'] });
  ed.feed('hunter2\r');
  assert.equal(history, ['ls']);
  begin();
  ed.feed('\x1b[A\r');
  assert.equal(history, ['ls']);
});

test('the line limit: exactly the limit is a line, one more is refused (issue 21, mutant 1)', () => {
  const exact = editor({ max: 10 });
  exact.ed.feed('0123456789\r');
  assert.equal(exact.events, ['line 0123456789']);
  const typed = editor({ max: 10 });
  // Typed a key at a time as well as pasted: the check is on the line, not on one chunk.
  for (const ch of '0123456789') typed.ed.feed(ch);
  typed.ed.feed('\r');
  assert.equal(typed.events, ['line 0123456789']);
  const over = editor({ max: 10 });
  for (const ch of '0123456789A') over.ed.feed(ch);
  assert.equal(over.events, ['too long 10']);
});

test('type-ahead while a command runs is bounded: up to the line limit kept, beyond it dropped (issue 21, mutant 2)', () => {
  const { ed, events, begin } = editor({ max: 10 });
  ed.feed('run\r');
  assert.not.ok(ed.active);
  // 10 characters queued: exactly the bound, all kept.
  ed.feed('01234567');
  ed.feed('ab');
  // One more: dropped, as is everything after it while the queue is full.
  ed.feed('c');
  ed.feed('d');
  begin();
  assert.is(ed.buffer, '01234567ab');
  ed.feed('\r');
  assert.equal(events, ['line run', 'line 01234567ab']);
});

test('CR LF is one Enter, and the LF is not left queued as a second (issue 21, mutant 8)', () => {
  const { ed, events, begin } = editor();
  ed.feed('a\r\n');
  begin();
  ed.feed('b\r');
  begin();
  assert.equal(events, ['line a', 'line b']);
  assert.is(ed.buffer, '');
});

test('^C abandons with ^C ABORT; ^D on an empty line is end of input, else deletes', () => {
  const a = editor();
  a.ed.feed('half\x03');
  assert.equal(a.events, ['interrupt']);
  assert.match(a.screen.all, /\^C ABORT/);
  const b = editor();
  b.ed.feed('ab\x1b[D\x04');
  assert.is(b.ed.buffer, 'a');
  b.ed.feed('\x7f\x04');
  assert.equal(b.events, ['eof']);
});

test('writeAbove mid-line: message on its own line, prompt and input redrawn, cursor where it was', () => {
  const { ed, screen } = editor();
  ed.feed('日本 text\x1b[D\x1b[D');
  const col = screen.col;
  ed.writeAbove('MESSAGE');
  assert.is(screen.rows[screen.rows.length - 2]!.join(''), 'MESSAGE');
  assert.is(screen.line, '> 日本 text');
  assert.is(screen.col, col);
  ed.feed('X');
  assert.is(ed.buffer, '日本 teXxt');
});

test('writeAbove while idle just writes the line', () => {
  const { ed, screen } = editor();
  ed.feed('x\r');
  ed.writeAbove('hello');
  assert.match(screen.all, /hello\n$/);
});

test('a line over the limit is discarded up to the next Enter', () => {
  const { ed, events, begin } = editor({ max: 10 });
  ed.feed('0123456789ABC');
  assert.equal(events, ['too long 10']);
  ed.feed('junk\rok');
  begin();
  ed.feed('\r');
  assert.equal(events, ['too long 10', 'line ok']);
});

test('a 64 KiB paste: the whole line comes out, the row shows its end scrolled, and it is fast', () => {
  const { ed, screen, events } = editor();
  const paste = Array.from({ length: 64 * 1024 }, (_, i) => String.fromCharCode(0x61 + (i % 26))).join('');
  const start = performance.now();
  ed.feed(paste.slice(0, 30000));
  ed.feed(paste.slice(30000));
  // Longer than a screenful: one row, the prompt, then as much of the end as fits before the last column.
  const row = screen.line;
  assert.ok(row.startsWith('> '), row);
  assert.ok(paste.endsWith(row.slice(2)), row);
  assert.is(row.length, 79);
  assert.is(screen.col, 79);
  ed.feed('\r');
  const elapsed = performance.now() - start;
  assert.equal(events, [`line ${paste}`]);
  // Under mutation testing the code is instrumented (every statement counted), many times slower.
  assert.ok(elapsed < (process.env.TELNETSRV_MUTATION ? 10_000 : 1000), `${elapsed} ms`);
});

const NAMES = ['ECHO', 'EXIT', 'HELP', 'HISTORY', 'HIDE'];
/** Completes command names, as the session does at the prompt. */
const completeNames: ReadOptions['complete'] = (before, secondTab) => {
  const context = completionContext(before);
  return tabOutcome(context, context.words.length ? [] : matchingNames(NAMES, context.partial), secondTab);
};

test('Tab: a single match completes with a space; typing goes on after it', () => {
  const { ed, screen, events } = editor({ complete: completeNames });
  ed.feed('ec\t');
  assert.is(ed.buffer, 'echo ');
  ed.feed('hi\r');
  assert.equal(events, ['line echo hi']);
  assert.match(screen.all, /> echo hi/);
});

test('Tab: several matches complete their common part; a second Tab lists them and redraws the line', () => {
  const { ed, screen } = editor({ complete: completeNames });
  ed.feed('h\t');
  assert.is(ed.buffer, 'h', 'help, hide, history: nothing in common to add');
  ed.feed('i\t');
  assert.is(screen.line, '> hi', 'first Tab without progress only rings');
  ed.feed('\t');
  assert.is(ed.buffer, 'hi');
  assert.is(screen.all, '> hi\nhide     history\n> hi');
  assert.is(ed.cursor, 2);
  ed.feed('s\t');
  assert.is(ed.buffer, 'history ');
});

test('Tab: nothing matches rings the bell; mid-line completion keeps the tail', () => {
  const bells: string[] = [];
  const { ed, screen } = editor({ complete: completeNames });
  const ed2 = new LineEditor({ output: (t) => bells.push(t), line: () => {}, interrupt: () => {}, interruptCommand: () => {}, endOfInput: () => {}, lineTooLong: () => {} });
  ed2.begin({ prompt: '', echo: true, useHistory: false, history: [], complete: completeNames });
  ed2.feed('zz\t');
  assert.is(bells.join(''), 'zz\x07');
  ed.feed('ex x\x1b[D\x1b[D\t');
  assert.is(ed.buffer, 'exit  x');
  assert.is(screen.line, '> exit  x');
});

test('Tab: an async completer; keys typed meanwhile wait and follow; a stale answer is dropped', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const slow: ReadOptions['complete'] = async (before, secondTab) => {
    await gate;
    const context = completionContext(before);
    return tabOutcome(context, ['two words', 'two ways'].filter((c) => c.startsWith(context.partial)), secondTab);
  };
  const { ed, screen } = editor({ complete: slow });
  ed.feed('get "two\tays');
  assert.is(ed.buffer, 'get "two', 'typing waits for the completion');
  release();
  await gate;
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(ed.buffer, 'get "two ways', 'the common part "two w" was added, then the typed "ays"');
  assert.is(screen.line, '> get "two ways');

  const stale = editor({ complete: async () => ({ kind: 'replace', start: 0, text: 'late ' }) });
  stale.ed.feed('x\t\x03');
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(stale.ed.buffer, '', 'the ^C after Tab waited, then the line was abandoned');
});

test('Tab does nothing without a completer or while echo is off', () => {
  const { ed } = editor();
  ed.feed('ec\t');
  assert.is(ed.buffer, 'ec');
  const secret = editor({ echo: false, complete: completeNames });
  secret.ed.feed('ec\t');
  assert.is(secret.ed.buffer, 'ec');
});

test.run();
