import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LineEditor } from '../../src/terminal/lineEditor.js';
import { cellWork } from '../../src/terminal/graphemeCells.js';
import { script } from '../support/editorScript.js';

// The line editor at its edges: keys before the first prompt, ^C as the only key of a busy
// session, the type-ahead count after keys were read or dropped, a prompt begun while input is still
// being dropped, keys after ^C and ^D in the same read, a history array with a hole, characters that
// change the one before them, prompts measured again, the scrolled row at its limits.

const L = 'abcdefghijklmnopqrstuvwxyz';

test('keys before the first prompt wait for it: nothing drawn, no interruption', () => {
  const writes: string[] = [];
  const events: string[] = [];
  const editor = new LineEditor({
    output: (text) => void writes.push(text),
    line: (text) => void events.push(`line ${text}`),
    interrupt: () => void events.push('interrupt'),
    interruptCommand: () => void events.push('interruptCommand'),
    endOfInput: () => void events.push('eof'),
    lineTooLong: () => void events.push('tooLong'),
  });
  editor.feed('ab');
  assert.equal([writes, events, editor.active], [[], [], false]);
  editor.begin({ prompt: '> ', echo: true, useHistory: false, history: [] });
  assert.equal(writes, ['> ', 'ab']);
  assert.is(editor.active, true);
});

test('^C as the only key while a command runs interrupts it; another control key is type-ahead', () => {
  const run = script({}, ['run\r', '\x03', '\x01', 'x', { begin: true }]);
  assert.equal(run.steps.slice(2), [['^C\n', '=interruptCommand'], [], [], ['> ', 'x']]);
});

test('type-ahead counts only what is still waiting: the rest of a read after its Enter, and after a ^C', () => {
  // 'run' and Enter are read at once; 'abc' waits: 3 of 10, so 7 more fit, and not 8.
  const run = script({ maxLineLength: 10 }, ['run\rabc', 'defghij', 'k', { begin: true }]);
  assert.equal(run.steps[3], ['=typeAheadDropped 10']);
  assert.equal(run.steps[4], ['Typed ahead past 10 characters: the rest was dropped.\n> ', 'abcdefghij']);
  // 'ab' and the ^C go; 'xy' waits: 2 of 5, three more fit, then none.
  const ctrlC = script({ maxLineLength: 5 }, ['run\r', 'ab\x03xy', 'z', '!', '?', '#', { begin: true }]);
  assert.equal(ctrlC.steps[2], ['^C\n', '=interruptCommand']);
  assert.equal(ctrlC.steps[6], ['=typeAheadDropped 5']);
  assert.equal(ctrlC.steps[7], ['Typed ahead past 5 characters: the rest was dropped.\n> ', 'xyz!?']);
});

test('a prompt begun while input is still dropped: keys up to Enter dropped, the keys after it typed', () => {
  const run = script({ maxLineLength: 5 }, ['abcdef', { begin: true }, 'junk', '\rok']);
  assert.equal(run.steps.slice(1), [['\n', '=tooLong 5'], ['> '], [], ['ok']]);
  assert.is(run.editor.buffer, 'ok');
});

test('keys after ^C or ^D in the same read wait for the next prompt', () => {
  const run = script({}, ['ab\x03xy', { begin: true }, '\x15\x04zz', { begin: true }]);
  assert.equal(run.steps, [['> '], ['ab^C ABORT\n', '=interrupt'], ['> ', 'xy'], ['\x1b[2D\x1b[J\n', '=eof'], ['> ', 'zz']]);
});

test('a history array with a hole (users edit it): the hole recalls an empty line', () => {
  const history = ['first', 'second', 'third'];
  delete history[1];
  const run = script({ read: { history } }, ['\x1b[A', '\x1b[A', '\x1b[A']);
  assert.equal(run.steps.slice(1), [['\x1b[Jthird'], ['\x1b[5D\x1b[J'], ['\x1b[Jfirst']]);
});

test('a character that joins the one before it (a second regional indicator): redrawn from that one', () => {
  const run = script({}, ['a\u{1f1eb}', '\u{1f1f7}', 'b', '\x1b[D\x1b[D', '\x1b[C']);
  assert.equal(run.steps.slice(1), [['a\u{1f1eb}'], ['\x1b[1D\u{1f1eb}\u{1f1f7}'], ['b'], ['\x1b[1D\x1b[2D'], ['\x1b[2C']]);
  // Typed in the middle of a line: back to the flag, then the tail again.
  const mid = script({}, ['a\u{1f1eb}x', '\x1b[D', '\u{1f1f7}']);
  assert.equal(mid.steps[3], ['\x1b[1D\x1b[J\u{1f1eb}\u{1f1f7}x\x1b[1D']);
});

test('a combining mark typed at the right margin: the mark only, no new row', () => {
  const run = script({ width: 10 }, ['abcdefgh', '\u0301', 'x']);
  assert.equal(run.steps.slice(1), [['abcdefgh\n'], ['\u0301'], ['x']]);
});

test('each prompt is measured: a longer one wraps the input sooner', () => {
  const run = script({ width: 10 }, ['x\r', { begin: { prompt: 'longer> ' } }, 'ab', 'c', '\r', { begin: { prompt: '> ' } }, 'abcdefgh']);
  assert.equal(run.steps.slice(2), [['longer> '], ['ab\n'], ['c'], ['\n', '=line abc'], ['> '], ['abcdefgh\n']]);
});

test('a prompt is measured again for a new width: a wide character in it moves at the margin', () => {
  // At 80 columns the prompt ends at 13; at 10 its 日 goes to the second row and it ends at 14.
  const run = script({ read: { prompt: 'abcdefghi日> ' } }, ['x\r', { width: 10 }, { begin: true }, 'xxxxxx']);
  assert.equal(run.steps.slice(3), [['abcdefghi日> '], ['xxxxxx\n']]);
});

test('twenty wide characters take 42 cells with the prompt: one row scrolled, though only 22 code units', () => {
  const run = script({ width: 20, wrapLimit: 40 }, ['界'.repeat(19), '界']);
  assert.equal(run.steps.slice(1), [[`${'界'.repeat(19)}\n`], ['\x1b[2A\x1b[J\r> 界界界界界界界界\x1b[K']]);
  assert.ok(run.editor.scrolled);
});

test('emoji (two code units each) in the scrolled row: counted in cells, not units', () => {
  const run = script({ width: 20, wrapLimit: 40 }, ['👍'.repeat(30), '\x01', '\x1b[C'.repeat(8), '\x1b[C', '\x05', '\x7f']);
  const row = '\r> 👍👍👍👍👍👍👍👍\x1b[K';
  assert.equal(run.steps.slice(1), [
    [`\x1b[2D\x1b[J${row}`],
    [`${row}\x1b[16D`],
    [[14, 12, 10, 8, 6, 4, 2].map((n) => `${row}\x1b[${n}D`).join('') + row],
    [`${row}\x1b[6D`],
    [row],
    ['\r> 👍👍👍👍👍👍👍\x1b[K'],
  ]);
});

test('wide characters in the scrolled row: the ninth Right (18 cells) moves the view', () => {
  const run = script({ width: 20, wrapLimit: 40 }, ['界'.repeat(30), '\x01', '\x1b[C'.repeat(8), '\x1b[C']);
  const row = '\r> 界界界界界界界界\x1b[K';
  assert.equal(run.steps[3], [[16, 14, 12, 10, 8, 6, 4, 2].map((n) => `${row}\x1b[${n}D`).join('').slice(`${row}\x1b[16D`.length) + row]);
  assert.equal(run.steps[4], [`${row}\x1b[6D`]);
});

test('the scrolled row never ends in half a character, even where the 4,096-unit bound cuts one', () => {
  const run = script({}, [`${'\u200b'.repeat(4095)}👍abc`, '\x01']);
  const shown = run.steps[2]![0]!.replace(/\u200b+/g, (zw) => `<${zw.length} ZWSP>`);
  assert.is(shown, '\r> <4095 ZWSP>\x1b[K');
});

test('Home at the start and End at the end of a scrolled row draw nothing', () => {
  const run = script({ width: 20, wrapLimit: 40 }, [L + L, '\x01', '\x01', '\x05', '\x05']);
  assert.equal(run.steps.slice(2), [['\r> abcdefghijklmnopq\x1b[K\x1b[17D'], [], ['\r> jklmnopqrstuvwxyz\x1b[K'], []]);
});

test('history from a scrolled line to another long one: the new line shows its end, as much as the row holds', () => {
  const run = script({ width: 20, wrapLimit: 40, read: { history: [L + L, `${L}${L}XY`] } }, [L + L + L, '\x1b[A', '\x1b[A']);
  assert.equal(run.steps.slice(2), [['\r> lmnopqrstuvwxyzXY\x1b[K'], ['\r> jklmnopqrstuvwxyz\x1b[K']]);
});

test('a combining mark typed at the first cell of the scrolled row joins the letter before: the row starts at that letter', () => {
  const run = script({ width: 20, wrapLimit: 40 }, [L + L, '\x1b[D'.repeat(17), '\u0301']);
  assert.equal(run.steps[3], ['\r> i\u0301jklmnopqrstuvwxy\x1b[K\x1b[16D']);
});

test('a message above after leaveInput moved the cursor to the last row: it goes up from there', () => {
  const run = script({ width: 10 }, ['abcdefghijklmnopqrstu', '\x01', { above: 'MSG' }, { leave: true }, { above: 'MSG' }]);
  assert.equal(run.steps.slice(3), [
    ['\r\x1b[JMSG\n> abcdefghijklmnopqrstu\x1b[2A\x1b[1D'],
    ['\x1b[2B\x1b[1C'],
    ['\r\x1b[2A\x1b[JMSG\n> abcdefghijklmnopqrstu\x1b[2A\x1b[1D'],
  ]);
});

test('typing in the middle of a 3,000-character line measures the key and its neighbours, not the tail', () => {
  const run = script({}, ['a'.repeat(3000), '\x01', '\x1b[C'.repeat(1500)]);
  cellWork.measured = 0;
  run.step('x');
  assert.ok(cellWork.measured <= 3, `measured ${cellWork.measured}`);
  cellWork.measured = 0;
  run.step('\x7f');
  assert.ok(cellWork.measured <= 2, `measured ${cellWork.measured}`);
  assert.is(run.editor.buffer, 'a'.repeat(3000));
});

test.run();
