import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_COMPLETION_INPUT, type ReadOptions } from '../../src/terminal/lineEditor.js';
import type { TabOutcome } from '../../src/shell/completion.js';
import { script } from '../support/editorScript.js';

// Tab: the completer's three answers and their exact bytes, a second Tab, the bound on the text
// parsed, completers as objects and promises.

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('no completion: the bell, nothing else', () => {
  const run = script({ read: { complete: () => ({ kind: 'none' }) } }, ['ab', '\t']);
  assert.equal(run.steps[2], ['\x07']);
  assert.is(run.editor.buffer, 'ab');
});

test('a replacement: the word before the cursor erased and the completion typed in its place, the tail kept', () => {
  const run = script({ read: { complete: () => ({ kind: 'replace', start: 0, text: 'echo ' }) } }, ['ec', '\t', 'x', '\x1b[D\x1b[D\x1b[D', '\t']);
  assert.equal(run.steps, [
    ['> '],
    ['ec'],
    ['\x1b[2D\x1b[Jecho '],
    ['x'],
    ['\x1b[1D\x1b[1D\x1b[1D'],
    // "ech|o x": "ech" erased (the tail redrawn after it), then "echo " typed before the tail.
    ['\x1b[3D\x1b[Jo x\x1b[3D\x1b[Jecho o x\x1b[3D'],
  ]);
  assert.is(run.editor.buffer, 'echo o x');
  assert.is(run.editor.cursor, 5);
});

test('a replacement starting past the cursor replaces nothing: the text goes in at the cursor', () => {
  const run = script({ read: { complete: () => ({ kind: 'replace', start: 99, text: 'Z' }) } }, ['ab', '\x1b[D', '\t']);
  assert.equal(run.steps[3], ['\x1b[JZb\x1b[1D']);
  assert.is(run.editor.buffer, 'aZb');
});

test('a list: below the whole input in columns, then prompt and input again with the cursor where it was; only a second Tab in a row asks for it', () => {
  const seen: string[] = [];
  const complete: ReadOptions['complete'] = (before, second): TabOutcome => {
    seen.push(`${before}:${second}`);
    return second ? { kind: 'list', candidates: ['alpha', 'beta'] } : { kind: 'none' };
  };
  const run = script({ read: { complete } }, ['ab\x1b[D', '\t', '\t', '\t', 'x\t', '\t']);
  assert.equal(run.steps, [
    ['> '],
    ['ab\x1b[1D'],
    ['\x07'],
    ['\x1b[1C\nalpha  beta\n> ab\x1b[1D'],
    ['\x1b[1C\nalpha  beta\n> ab\x1b[1D'],
    ['\x1b[Jxb\x1b[1D\x07'],
    ['\x1b[1C\nalpha  beta\n> axb\x1b[1D'],
  ]);
  assert.equal(seen, ['a:false', 'a:true', 'a:true', 'ax:false', 'ax:true']);
});

test('a list under a wrapped input: down to its last row first, the columns as wide as the terminal', () => {
  const run = script({ width: 10, read: { complete: () => ({ kind: 'list', candidates: ['al', 'be', 'ga', 'de'] }) } }, ['abcdefghijkl\x01', '\t']);
  assert.equal(run.steps.slice(1), [['abcdefghijkl\x1b[1A\x1b[2D'], ['\x1b[1B\x1b[2C\nal  ga\nbe  de\n> abcdefghijkl\x1b[1A\x1b[2D']]);
});

test('a completer object is asked through tabComplete with the text before the cursor and whether Tab came twice', () => {
  const complete = { tabComplete: (before: string, second: boolean): TabOutcome => ({ kind: 'replace', start: 0, text: `[${before}|${second}]` }) };
  const run = script({ read: { complete } }, ['ab', '\t', '\t\t']);
  assert.equal(run.steps[2], ['\x1b[2D\x1b[J[ab|false]']);
  assert.is(run.editor.buffer, '[[[ab|false]|true]|true]');
});

test(`Tab parses at most ${MAX_COMPLETION_INPUT} characters before the cursor: exactly that completes, one more rings`, () => {
  const complete: ReadOptions['complete'] = (before) => ({ kind: 'replace', start: before.length, text: '!' });
  const exact = script({ read: { complete } }, ['x'.repeat(MAX_COMPLETION_INPUT), '\t']);
  assert.is(exact.editor.buffer, `${'x'.repeat(MAX_COMPLETION_INPUT)}!`);
  // The cursor is now one past: the bell alone, nothing added.
  assert.equal(exact.step('\t'), ['\x07']);
  assert.is(exact.editor.buffer.length, MAX_COMPLETION_INPUT + 1);
  // Past it, but with the cursor moved back to the bound: completes again.
  exact.step('\x1b[D');
  exact.step('\t');
  assert.is(exact.editor.buffer, `${'x'.repeat(MAX_COMPLETION_INPUT)}!!`);
});

test('no completer, or echo off: Tab does nothing at all', () => {
  const none = script({}, ['ab', '\t']);
  assert.equal(none.steps[2], []);
  let asked = 0;
  const secret = script({ read: { echo: false, complete: () => (asked++, { kind: 'replace', start: 0, text: 'X' }) } }, ['ab', '\t', '\r']);
  assert.equal(secret.steps.slice(1), [[], [], ['\n', '=line(secret) ab']]);
  assert.is(asked, 0);
});

test('an asynchronous completer: keys wait; its answer drawn, then the keys; a failure is the bell', async () => {
  let answer!: (outcome: TabOutcome) => void;
  const run = script({ read: { complete: () => new Promise<TabOutcome>((resolve) => (answer = resolve)) } }, ['ec', '\tho']);
  assert.equal(run.steps[2], []);
  assert.is(run.editor.buffer, 'ec');
  answer({ kind: 'replace', start: 0, text: 'echo ' });
  await tick();
  // (The answer and the keys after it are written as they come: three writes.)
  assert.is(run.since().join(''), '\x1b[2D\x1b[Jecho ho');
  assert.is(run.editor.buffer, 'echo ho');

  const failing = script({ read: { complete: () => Promise.reject(new Error('completer broke')) } }, ['ab', '\tc']);
  await tick();
  assert.is(failing.since().join(''), '\x07c');
  assert.is(failing.editor.buffer, 'abc');
});

test('an asynchronous answer for a line already ended, or for an earlier line, is dropped', async () => {
  const answers: ((outcome: TabOutcome) => void)[] = [];
  const run = script({ read: { complete: () => new Promise<TabOutcome>((resolve) => answers.push(resolve)) } }, ['ab', '\t\r']);
  // Enter waited for the completion; the answer comes after the line was entered and a new one begun.
  answers[0]!({ kind: 'none' });
  await tick();
  assert.equal(run.since(), ['\x07', '\n', '=line ab']);
  run.step({ begin: true });
  run.step('x\t');
  // A new line begun while the completion for "x" is still out (the session moved on).
  assert.equal(run.step({ begin: true }), ['> ']);
  run.since();
  answers[1]!({ kind: 'replace', start: 0, text: 'STALE' });
  await tick();
  assert.equal(run.since(), []);
  assert.is(run.editor.buffer, '');
});

test.run();
