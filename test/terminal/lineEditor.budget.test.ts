// The input budget between keys: the editor asks `budgetSpent` between the keys of one drain (never
// before the first), stops when it says so and tells its sink (`keysWaiting`); `resume()` goes on, and
// every key is handled exactly once, in order, keys fed meanwhile waiting behind the held ones.
// Also: typing and erasing at the end of a long line (the tail kept apart) leave the same line as a
// plain string would, across the tail's bound.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LineEditor, type LineEditorSink, type ReadOptions } from '../../src/terminal/lineEditor.js';

interface Harness {
  editor: LineEditor;
  lines: string[];
  waiting: number;
  asked: number;
  /** Whether the budget is spent: read by `budgetSpent` at each ask. */
  spent: (asked: number) => boolean;
}

const read = (): ReadOptions => ({ prompt: '> ', echo: true, useHistory: false, history: [] });

function harness(spent: (asked: number) => boolean, withBudget = true): Harness {
  const h = { lines: [] as string[], waiting: 0, asked: 0, spent } as Harness;
  const sink: LineEditorSink = {
    output() {},
    // A command that ends at once: the next prompt is read in the same drain, as a session does.
    line(text) {
      h.lines.push(text);
      h.editor.begin(read());
    },
    interrupt() {},
    interruptCommand() {},
    endOfInput() {},
    lineTooLong() {},
    keysWaiting() {
      h.waiting++;
    },
  };
  const budgetSpent = () => h.spent(++h.asked);
  h.editor = new LineEditor(sink, withBudget ? { budgetSpent } : {});
  h.editor.begin(read());
  return h;
}

test('a spent budget stops the drain after one key; each resume handles one more; every key once, in order', () => {
  const h = harness(() => true);
  // Five keys: 'a', Backspace, 'b', Enter, 'c' (a text run is one key; \x7f splits them).
  h.editor.feed('a\x7fb\rc');
  assert.is(h.editor.buffer, 'a', 'only the first key was handled');
  assert.is(h.waiting, 1, 'the sink heard that keys wait');
  assert.ok(h.editor.keysWaiting);
  h.editor.resume();
  assert.is(h.editor.buffer, '', 'then Backspace');
  h.editor.resume();
  assert.is(h.editor.buffer, 'b');
  h.editor.resume();
  assert.equal(h.lines, ['b'], 'then Enter, once');
  assert.ok(h.editor.keysWaiting, "'c' still waits");
  h.editor.resume();
  assert.is(h.editor.buffer, 'c');
  assert.not.ok(h.editor.keysWaiting, 'nothing waits once the last key is handled');
  assert.is(h.waiting, 4, 'one notice per stop, none after the last key');
  h.editor.resume();
  assert.is(h.editor.buffer, 'c', 'a resume with nothing held does nothing');
});

test('the budget is asked between keys only: a lone key reads no clock, and the stop comes at the exact ask', () => {
  const lone = harness(() => true);
  lone.editor.feed('x');
  lone.editor.feed('\x7f');
  assert.is(lone.asked, 0, 'one key per feed: never asked');
  assert.is(lone.waiting, 0);
  // Spent at the third ask: keys 1-3 handled (asks before keys 2, 3 and 4), key 4 on waits.
  const h = harness((asked) => asked >= 3);
  h.editor.feed('a\x7fb\x7fc\x7f');
  assert.is(h.asked, 3);
  assert.is(h.editor.buffer, 'b', "a, Backspace, b: the next Backspace waits");
  assert.is(h.waiting, 1);
  // One ask short of it: all six handled in one drain.
  const more = harness((asked) => asked >= 6);
  more.editor.feed('a\x7fb\x7fcd');
  assert.is(more.editor.buffer, 'cd');
  assert.is(more.waiting, 0);
  assert.not.ok(more.editor.keysWaiting);
});

test('keys fed while held wait behind the held ones, and ^C too: all handled in order by later resumes', () => {
  let spent = true;
  const h = harness(() => spent);
  h.editor.feed('ab\x7fc\r');
  assert.is(h.editor.buffer, 'ab');
  h.editor.feed('d\r');
  h.editor.interrupt();
  assert.is(h.editor.buffer, 'ab', 'nothing handled while held: no key jumps the queue');
  spent = false;
  h.editor.resume();
  assert.equal(h.lines, ['ac', 'd']);
  assert.is(h.editor.buffer, '', '^C came last');
  assert.not.ok(h.editor.keysWaiting);
});

test('without a budget (the editor alone) a chunk is drained whole, as before', () => {
  const h = harness(() => true, false);
  h.editor.feed(`${'x'.repeat(1000)}${'\x7f'.repeat(999)}\r`);
  assert.equal(h.lines, ['x']);
  assert.is(h.waiting, 0);
});

test('a closed editor resumes nothing: held keys are dropped', () => {
  const h = harness(() => true);
  h.editor.feed('a\rb\r');
  h.editor.close();
  h.editor.resume();
  assert.equal(h.lines, []);
  assert.not.ok(h.editor.keysWaiting);
});

test('typing and erasing at the end across the tail bound (512) and mid-line leave the line a plain string leaves', () => {
  const h = harness(() => false, false);
  let model = '';
  let cursor = 0;
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let step = 0; step < 3000; step++) {
    const pick = random(10);
    if (pick < 4) {
      const text = 'abcdefgh'.slice(0, 1 + random(8)).repeat(1 + random(step % 50 === 0 ? 200 : 3));
      h.editor.feed(text);
      model = model.slice(0, cursor) + text + model.slice(cursor);
      cursor += text.length;
    } else if (pick < 8) {
      const count = 1 + random(step % 40 === 0 ? 700 : 4);
      h.editor.feed('\x7f'.repeat(count));
      const from = Math.max(0, cursor - count);
      model = model.slice(0, from) + model.slice(cursor);
      cursor = from;
    } else if (pick === 8) {
      h.editor.feed('\x1b[D');
      cursor = Math.max(0, cursor - 1);
    } else {
      h.editor.feed('\x05');
      cursor = model.length;
    }
    assert.is(h.editor.cursor, cursor, `cursor at step ${step}`);
    if (step % 10 === 0) assert.is(h.editor.buffer, model, `line at step ${step}`);
  }
  h.editor.feed('\r');
  assert.is(h.lines[0], model);
});

test.run();
