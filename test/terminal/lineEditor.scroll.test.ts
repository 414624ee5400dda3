import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { script } from '../support/editorScript.js';

// The one-row view of an input longer than a screenful (wrapLimit 40 cells here, on a 20-column
// terminal: the row shows 17 cells of input after the 2-cell prompt, the last column left free).
const L = 'abcdefghijklmnopqrstuvwxyz';

test('a long paste in one piece: the row shows its end, not an empty row after the prompt', () => {
  const run = script({ width: 20, wrapLimit: 40 }, [L + L]);
  // From the wrapped prompt's start, erased, then the row: the last 17 characters, the cursor after them.
  assert.equal(run.steps[1], ['\x1b[2D\x1b[J\r> jklmnopqrstuvwxyz\x1b[K']);
  assert.ok(run.editor.scrolled);
});

test('typing past the screenful at the end: the row shows the text before the cursor', () => {
  const run = script({ width: 20, wrapLimit: 40 }, [L, 'ABCDEFGHIJKL', 'M', '\x7f']);
  // 2 + 38 = 40 cells: still wrapped, ending at the margin (a new row begun); one more switches.
  assert.equal(run.steps.slice(1), [[L], ['ABCDEFGHIJKL\n'], ['\x1b[2A\x1b[J\r> wxyzABCDEFGHIJKLM\x1b[K'], ['\r> wxyzABCDEFGHIJKL\x1b[K']]);
});

test('a prompt wider than half the row is left out of the scrolled row, which then shows the input only', () => {
  const half = script({ width: 20, wrapLimit: 40, read: { prompt: '0123456789' } }, [L + L]);
  assert.equal(half.steps[1], ['\x1b[10D\x1b[J\r0123456789rstuvwxyz\x1b[K']);
  const over = script({ width: 20, wrapLimit: 40, read: { prompt: '0123456789A' } }, [L + L]);
  assert.equal(over.steps[1], ['\x1b[11D\x1b[J\rhijklmnopqrstuvwxyz\x1b[K']);
});

test.run();
