import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LineEditor, MAX_COMPLETION_INPUT, WRAP_LIMIT, type ReadOptions } from '../../src/terminal/lineEditor.js';
import { cellWork } from '../../src/terminal/graphemeCells.js';
import type { TabOutcome } from '../../src/shell/completion.js';

/**
 * The work of each key, counted (code units measured for width, cells walked), not timed: a key that
 * costs O(line) fails here whatever the machine. A screen row is 80 columns, so "a screen's worth"
 * of work for one key is a few hundred units (more where characters take two code units each);
 * the lines below are 100 to 1000 times longer.
 */
const PER_KEY = 10 * 80;

function editor(options: Partial<ReadOptions> = {}, max = 256 * 1024) {
  let output = '';
  const events: string[] = [];
  let completions = 0;
  const ed = new LineEditor(
    {
      output: (text) => (output += text),
      line: (line) => events.push(`line ${line.length}`),
      interrupt: () => events.push('interrupt'),
      interruptCommand: () => events.push('interrupt command'),
      endOfInput: () => events.push('eof'),
      lineTooLong: (limit) => events.push(`too long ${limit}`),
    },
    { maxLineLength: max },
  );
  const read: ReadOptions = {
    prompt: 'Telnet Server> ',
    echo: true,
    useHistory: true,
    history: [],
    complete: (): TabOutcome => {
      completions++;
      return { kind: 'none' };
    },
    ...options,
  };
  ed.begin(read);
  return {
    ed,
    events,
    read,
    get completions() {
      return completions;
    },
    /** Output since the last call. */
    take(): string {
      const text = output;
      output = '';
      return text;
    },
  };
}

/** Work and output of `keys`, fed one key at a time. */
function cost(ed: LineEditor, take: () => string, keys: string[]) {
  take();
  cellWork.measured = 0;
  cellWork.scanned = 0;
  let most = 0;
  let bytes = 0;
  for (const key of keys) {
    const before = cellWork.measured + cellWork.scanned;
    ed.feed(key);
    most = Math.max(most, cellWork.measured + cellWork.scanned - before);
    bytes = Math.max(bytes, take().length);
  }
  return { measured: cellWork.measured, most, bytes };
}

for (const [name, unit] of [
  ['é (Latin)', 'é'],
  ['U+FFFD (invalid UTF-8)', '\ufffd'],
  ['e + combining acute', 'e\u0301'],
  ['emoji', '👍'],
  ['CJK', '界'],
] as const) {
  test(`a 100,000-character ${name} line: Left, Right, Backspace, Delete, Home, End, ^W measure nothing again and walk a screen at most`, () => {
    const e = editor();
    e.ed.feed(unit.repeat(100_000 / unit.length));
    assert.ok(e.ed.scrolled);
    const keys = ['\x1b[D', '\x1b[D', '\x1b[D', '\x1b[C', '\x7f', '\x1b[3~', '\x1b[H', '\x1b[C', '\x1b[F', '\x17', '\x1b[D'];
    const { measured, most, bytes } = cost(e.ed, e.take, keys);
    // Backspace and Delete measure the two characters either side of the gap again, nothing more.
    assert.ok(measured <= 4 * 4 * 2, `measured ${measured}`);
    assert.ok(most <= PER_KEY, `most work for one key ${most}`);
    assert.ok(bytes <= 2 * 80 * 4 + 16, `most output for one key ${bytes}`);
  });
}

test('typing in the middle of a 100,000-character line measures only what is typed and its neighbours', () => {
  const e = editor();
  e.ed.feed('é'.repeat(100_000));
  e.ed.feed('\x1b[H');
  for (let i = 0; i < 500; i++) e.ed.feed('\x1b[C');
  const { measured, most } = cost(e.ed, e.take, Array.from({ length: 200 }, () => 'x'));
  assert.ok(measured <= 200 * 3, `measured ${measured}`);
  assert.ok(most <= PER_KEY, `most ${most}`);
  assert.is(e.ed.buffer.length, 100_200);
  assert.is(e.ed.buffer.slice(500, 700), 'x'.repeat(200));
});

test('^L and messages above a 131,072-character line draw one row each: the same work and output as for a short line', () => {
  const e = editor();
  e.ed.feed('a'.repeat(131_072));
  const keys = Array.from({ length: 1000 }, () => '\x0c');
  const long = cost(e.ed, e.take, keys);
  const s = editor();
  s.ed.feed('a'.repeat(1000));
  const short = cost(s.ed, s.take, keys);
  assert.ok(long.most <= PER_KEY, `long: most ${long.most}`);
  assert.ok(long.bytes <= 100, `long: ${long.bytes} bytes per ^L`);
  assert.ok(short.bytes <= 1100, `short: ${short.bytes} bytes per ^L`);
  e.take();
  e.ed.writeAbove('a message');
  assert.ok(e.take().length < 120);
});

test('^C and Enter at the end of a 128 KiB line cost no more than a screen', () => {
  for (const key of ['\x03', '\r']) {
    const e = editor();
    e.ed.feed('\ufffd'.repeat(128 * 1024));
    const { measured, most } = cost(e.ed, e.take, [key]);
    assert.is(measured, 0);
    assert.ok(most <= PER_KEY, `${JSON.stringify(key)}: ${most}`);
  }
});

test('a prompt before login with its own limit: 64 KiB of U+FFFD is refused at once, nothing measured', () => {
  const e = editor({ maxLineLength: 256, prompt: 'Username: ', useHistory: false });
  cellWork.measured = 0;
  e.ed.feed('\ufffd'.repeat(64 * 1024));
  e.ed.feed('\x03');
  // The ^C comes while no line is read (the refusal ended the read): only a running command would heed it.
  assert.equal(e.events, ['too long 256', 'interrupt command']);
  assert.is(cellWork.measured, 0);
});

test('the per-read limit: exactly the limit is a line, one more is refused', () => {
  const a = editor({ maxLineLength: 256 });
  a.ed.feed(`${'u'.repeat(256)}\r`);
  assert.equal(a.events, ['line 256']);
  const b = editor({ maxLineLength: 256 });
  b.ed.feed(`${'u'.repeat(257)}\r`);
  assert.equal(b.events, ['too long 256']);
});

test('Tab on a long partial line rings the bell without completing; at exactly the bound it completes', () => {
  const e = editor();
  e.ed.feed('x'.repeat(130_000));
  e.take();
  for (let i = 0; i < 1000; i++) e.ed.feed('\t');
  assert.is(e.completions, 0);
  assert.is(e.take(), '\x07'.repeat(1000));
  const at = editor();
  at.ed.feed('x'.repeat(MAX_COMPLETION_INPUT));
  at.ed.feed('\t');
  assert.is(at.completions, 1);
  const past = editor();
  past.ed.feed('x'.repeat(MAX_COMPLETION_INPUT + 1));
  past.ed.feed('\t');
  assert.is(past.completions, 0);
});

test('history: recalling a long line measures it once; walking back and forth again measures nothing', () => {
  const history = ['界'.repeat(60_000), 'short'];
  const e = editor({ history });
  e.ed.feed('\x1b[A\x1b[A');
  assert.is(e.ed.buffer, history[0]);
  const { measured, most } = cost(e.ed, e.take, ['\x1b[B', '\x1b[A', '\x1b[B', '\x1b[A', '\x1b[B', '\x1b[B']);
  assert.is(measured, 0);
  assert.ok(most <= PER_KEY, `most ${most}`);
  assert.is(e.ed.buffer, '');
});

test('a line within a screenful is drawn wrapped; past it, scrolled; back under half of it, wrapped again', () => {
  const e = editor();
  const prompt = 'Telnet Server> '.length;
  e.ed.feed('w'.repeat(WRAP_LIMIT - prompt));
  assert.not.ok(e.ed.scrolled);
  e.ed.feed('w');
  assert.ok(e.ed.scrolled);
  // Prompt + input of half a screenful and one more cell: still scrolled; one less: wrapped.
  e.ed.feed('\x7f'.repeat(WRAP_LIMIT / 2));
  assert.is(prompt + e.ed.buffer.length, WRAP_LIMIT / 2 + 1);
  assert.ok(e.ed.scrolled, 'between half and all of a screenful it stays scrolled');
  e.ed.feed('\x7f');
  assert.not.ok(e.ed.scrolled);
});

test('keys fed after close() are dropped: no output, no line, no begin', () => {
  const e = editor();
  e.ed.feed('half');
  e.ed.close();
  e.take();
  e.ed.feed('more\r\t\x0c');
  e.ed.interrupt();
  e.ed.eraseLine();
  e.ed.begin(e.read);
  assert.is(e.take(), '');
  assert.equal(e.events, []);
  assert.not.ok(e.ed.active);
});

test.run();
