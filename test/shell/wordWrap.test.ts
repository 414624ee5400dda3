// Word wrapping for `help` and for `writeResponse` with `wrapResponses`: rows never wider than the
// width, broken at spaces, long words cut, wide characters kept whole; the help page's header.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { wordWrap } from '../../src/shell/wordWrap.js';
import { HELP_HEADER, helpDetailPage, helpList, helpPage } from '../../src/shell/helpText.js';
import { CommandRegistry } from '../../src/shell/registry.js';
import { command } from '../../src/shell/command.js';
import { TelnetHandler } from '../../src/handler.js';
import { displayWidth } from '../../src/terminal/displayWidth.js';

const CASES: Array<[string, string, number, string[], string?]> = [
  ['fits exactly: untouched', 'exactly 10', 10, ['exactly 10']],
  ['one column over: broken at the space', 'exactly 10!', 10, ['exactly', '10!']],
  ['one column over, no space: cut', 'abcdefghijk', 10, ['abcdefghij', 'k']],
  ['greedy: as many words as fit per row', 'the quick brown fox jumps over the lazy dog', 10, ['the quick', 'brown fox', 'jumps over', 'the lazy', 'dog']],
  ['the spaces at a break are dropped, others kept', 'aaaa    bbbb    cccc', 12, ['aaaa    bbbb', 'cccc']],
  ['leading spaces of a line stay', '   ab cd ef gh', 8, ['   ab cd', 'ef gh']],
  ['hanging indent on later rows', 'NAME <x> - a short text here', 12, ['NAME <x> - a', '  short text', '  here'], '  '],
  ['a long word after a short one starts its own row, then is cut', 'ab cdefghijklmn', 6, ['ab', 'cdefgh', 'ijklmn']],
  ['each newline ends a row; empty lines kept', 'one\n\ntwo', 10, ['one', '', 'two']],
  ['empty text is one empty row', '', 10, ['']],
  ['wide characters count two columns and are never split', '日本語のテキスト ok', 7, ['日本語', 'のテキ', 'スト ok']],
  ['colour codes take no columns', '\x1b[31mred\x1b[0m text here', 8, ['\x1b[31mred\x1b[0m text', 'here']],
];

for (const [name, text, width, expected, indent] of CASES) {
  test(`wordWrap: ${name}`, () => {
    const rows = wordWrap(text, width, indent);
    assert.equal(rows, expected);
    for (const row of rows) assert.ok(displayWidth(row.replace(/\x1b\[[0-9;]*m/g, '')) <= width, `${JSON.stringify(row)} fits ${width}`);
  });
}

test('wordWrap: any text at any width: no row too wide, no word lost, words kept in order', () => {
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  for (let round = 0; round < 300; round++) {
    const words = Array.from({ length: 1 + rand(20) }, () => 'x'.repeat(1 + rand(15)) + String(round));
    const text = words.join(' '.repeat(1 + rand(3)));
    const width = 1 + rand(30);
    const rows = wordWrap(text, width);
    for (const row of rows) assert.ok(row.length <= width, `${JSON.stringify(row)} over ${width}`);
    assert.is(rows.join('').replace(/ /g, ''), words.join(''));
  }
});

class Listed extends TelnetHandler {
  @command('deploy', { help: '<service> <version>\nRoll a new version of a service out to every host in the fleet, one at a time.\nWaits for each host to report healthy before it moves on to the next one in the list.' })
  deploy(): void {}
}

test('help page: the header, a blank line, then the list; long lines wrap with the name alone at the margin', () => {
  const page = helpPage(CommandRegistry.forClass(Listed), 40);
  assert.equal(page.slice(0, 2), [HELP_HEADER, '']);
  assert.is(HELP_HEADER, 'Help on built in commands');
  const start = page.indexOf('DEPLOY <service> <version> - Roll a new');
  assert.ok(start > 1, page.join('\n'));
  assert.equal(page.slice(start, start + 3), ['DEPLOY <service> <version> - Roll a new', '    version of a service out to every', '    host in the fleet, one at a time.']);
  for (const row of page) assert.ok(row.length <= 40, row);
  assert.equal(helpList(CommandRegistry.forClass(Listed), 40), page.slice(2));
});

test('help NAME: the long text wrapped at the width', () => {
  const entry = CommandRegistry.forClass(Listed).lookup('deploy')!;
  assert.equal(helpDetailPage(entry, 30), [
    'DEPLOY <service> <version>', '', 'Waits for each host to report', 'healthy before it moves on to', 'the next one in the list.',
  ]);
});

test.run();
