// What the line editor measures text with: CellLine and measureCells (where each character starts
// and how many columns it takes) checked against string-width and the grapheme segmenter over a
// catalogue of texts (ASCII, Latin-1, CJK, U+FFFD, soft hyphen, control characters, combining
// marks, emoji with modifiers and joiners, flags), and the line's edits keeping its width; advance()
// across a right margin; the work counters the cost tests read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reference, starts } from '../support/cellsReference.js';
import { CellLine, cellWork, measureCells } from '../../src/terminal/graphemeCells.js';
import { advance, displayWidth } from '../../src/terminal/displayWidth.js';

const TEXTS = [
  '', 'a', 'hello world', '~ !', '\x7f', '\x1f', 'é', '\xa0x', '\u02ff', '\u0300', 'x\u00ad', '\u00ad',
  '日本語', '\u4e00\u9fff', '\u4dff', '\ua000', '\ufffd\ufffd', 'e\u0301', 'a\u0301\u0302b', '👍', '👍🏽', '👨‍👩‍👧', '🇫🇷🇩🇪',
  'ab日c', 'x👍y', 'é日👍\u0301z', '\t', 'a\x1bb', 'ÿĀ', 'x'.repeat(200) + 'é\u0301' + '日'.repeat(150),
  `${'👍'.repeat(70)}end`, '\u1100\u1161\u11a8', 'ｱ', 'Ａ',
];

test('measureCells: a start and a width for each grapheme, as the segmenter and string-width say', () => {
  for (const text of TEXTS) {
    assert.equal(starts(measureCells(text)), reference(text), JSON.stringify(text));
  }
});

test('CellLine: insert, remove and overwrite keep length and width those of the text', () => {
  const line = new CellLine();
  let text = '';
  const check = () => {
    assert.is(line.length, text.length, JSON.stringify(text));
    assert.is(line.width, reference(text).reduce((sum, [, width]) => sum + width, 0), JSON.stringify(text));
    assert.equal(starts(line.snapshot()), reference(text), JSON.stringify(text));
  };
  const insert = (index: number, part: string) => {
    line.insert(index, measureCells(part));
    text = text.slice(0, index) + part + text.slice(index);
    check();
  };
  insert(0, 'abc');
  insert(3, '日本');
  insert(0, '👍🏽');
  insert(4, 'x'.repeat(100));
  insert(line.length, 'é');
  line.remove(4, 104);
  text = text.slice(0, 4) + text.slice(104);
  check();
  line.remove(2, 2);
  check();
  line.remove(3, 2);
  check();
  // Overwrite the neighbourhood with the same text measured again: nothing changes.
  line.overwrite(4, measureCells(text.slice(4, 7)));
  check();
  // Overwrite 'ab' with two wide characters' cells: the width follows.
  const before = line.width;
  line.overwrite(4, Uint8Array.of(3, 3));
  assert.is(line.width, before + 2);
  line.replace(measureCells('fresh'));
  text = 'fresh';
  check();
  assert.is(line.at(0), 2);
});

test('CellLine: previousStart, nextStart and startOf step over whole graphemes', () => {
  const text = 'a👍🏽e\u0301日';
  const line = new CellLine();
  line.replace(measureCells(text));
  const bounds = reference(text).map(([index]) => index);
  assert.equal(bounds, [0, 1, 5, 7]);
  assert.is(line.nextStart(0), 1);
  assert.is(line.nextStart(1), 5);
  assert.is(line.nextStart(5), 7);
  assert.is(line.nextStart(7), 8);
  assert.is(line.nextStart(8), 8, 'at the end stays at the end');
  assert.is(line.previousStart(8), 7);
  assert.is(line.previousStart(7), 5);
  assert.is(line.previousStart(5), 1);
  assert.is(line.previousStart(1), 0);
  assert.is(line.previousStart(0), 0);
  for (let i = 1; i < 5; i++) assert.is(line.startOf(i), 1, `inside the emoji at ${i}`);
  assert.is(line.startOf(6), 5);
  assert.is(line.startOf(7), 7);
  assert.is(line.startOf(8), 8, 'the end is its own start');
});

test('CellLine: grows past its first room, and a long line gives the room back when cleared', () => {
  const line = new CellLine();
  line.insert(0, measureCells('x'.repeat(5000)));
  line.insert(2500, measureCells('日'.repeat(100)));
  assert.is(line.length, 5100);
  assert.is(line.width, 5200);
  assert.is(line.snapshot()[2500], 3);
  assert.is(line.snapshot()[5099], 2);
  line.clear();
  assert.is(line.length, 0);
  assert.is(line.width, 0);
  assert.equal([...line.snapshot()], []);
  line.insert(0, measureCells('ok'));
  assert.equal([...line.snapshot()], [2, 2]);
});

test('work counters: measuring counts code units, stepping counts cells walked', () => {
  const before = { ...cellWork };
  const cells = measureCells('日本語abc');
  assert.is(cellWork.measured - before.measured, 6);
  const line = new CellLine();
  line.replace(cells);
  const scanned = cellWork.scanned;
  line.nextStart(0);
  line.previousStart(3);
  line.startOf(4);
  assert.is(cellWork.scanned - scanned, 2);
  const emoji = new CellLine();
  emoji.replace(measureCells('👨‍👩‍👧'));
  const again = cellWork.scanned;
  emoji.nextStart(0);
  emoji.previousStart(8);
  emoji.startOf(5);
  assert.is(cellWork.scanned - again, 8 + 8 + 5);
});

test('displayWidth: columns, ASCII by length, the rest by string-width', () => {
  assert.is(displayWidth(''), 0);
  assert.is(displayWidth('abc ~'), 5);
  assert.is(displayWidth('日本'), 4);
  assert.is(displayWidth('a日'), 3);
  assert.is(displayWidth('日a'), 3);
  assert.is(displayWidth('\x1b[31mred\x1b[0m'), 3);
  assert.is(displayWidth('e\u0301'), 1);
});

test('advance: a wide character that would straddle the right margin moves to the next row', () => {
  assert.is(advance(0, 'abc', 10), 3);
  assert.is(advance(5, '', 10), 5);
  // Column 9 of a 10-wide row is the last cell: 日 cannot fit there, so it starts at 10.
  assert.is(advance(9, '日', 10), 12);
  assert.is(advance(8, '日', 10), 10);
  assert.is(advance(19, '日', 10), 22);
  assert.is(advance(0, 'a日', 2), 4);
  assert.is(advance(0, 'é', 10), 1);
  assert.is(advance(3, 'e\u0301x', 10), 5);
});

test.run();
