import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { script } from '../support/editorScript.js';

// Who shows the typed text decides what the editor writes: nothing of the input with echo off, a
// client that echoes itself or a pipe; the line end only where the client has not made its own.

test('echo off: no key draws anything; ^L, messages and Enter show the prompt and line ends only', () => {
  const run = script({ read: { echo: false, history: ['old'] } }, [
    'abc',
    '\x7f\x1b[D\x1b[Cx\x01\x05\x15\x0b\x17',
    'y',
    '\x0c',
    { above: 'M' },
    { leave: true },
    '\x1b[A',
    '\x1b[B',
    '\r',
    { begin: true },
    '\x04',
  ]);
  assert.equal(run.steps, [['> '], [], [], [], ['\x1b[H\x1b[2J> '], ['\r\x1b[JM\n> '], [''], [], [], ['\n', '=line(secret) y'], ['> '], ['\n', '=eof']]);
  assert.equal(run.read.history, ['old']);
});

test('a client that echoes itself: nothing drawn back, not even the line end at Enter or ^D', () => {
  const terminal = { clientEchoes: true, lineMode: false, width: 80 };
  const run = script({ terminal, read: { history: ['old'] } }, ['abc', '\x7f', '\x0c', '\x1b[A', '\r', { begin: true }, '\x04']);
  assert.equal(run.steps, [['> '], [], [], ['\x1b[H\x1b[2J> '], [], ['=line old'], ['> '], ['=eof']]);
  // Its line is kept in history like any other (it is not secret).
  assert.equal(run.read.history, ['old']);
});

test('a client that echoes itself: a new line typed is remembered, a secret is not and is marked secret', () => {
  const terminal = { clientEchoes: true, lineMode: false, width: 80 };
  const run = script({ terminal }, ['ls\r', { begin: { echo: false } }, 'pin\r']);
  assert.equal(run.steps, [['> '], ['=line ls'], ['> '], ['=line(secret) pin']]);
  assert.equal(run.read.history, ['ls']);
});

test('a pipe (line mode): nothing drawn but the prompt and messages; no line ends', () => {
  const terminal = { clientEchoes: false, lineMode: true, width: 80 };
  const run = script({ terminal }, ['abc', '\x0c', { above: 'M' }, '\r', { begin: true }, '\x04']);
  assert.equal(run.steps, [['> '], [], ['\x1b[H\x1b[2J> '], ['\r\x1b[JM\n> '], ['=line abc'], ['> '], ['=eof']]);
});

test('the terminal state is read at each key: its width, and echo turned off by the client mid-line', () => {
  const terminal = { clientEchoes: false, lineMode: false, width: 10 };
  const run = script({ terminal }, ['abcdefgh', 'ij']);
  assert.equal(run.steps.slice(1), [['abcdefgh\n'], ['ij']]);
  // setWidth changes only an editor's own terminal, not the session's.
  run.step({ width: 40 });
  assert.equal(run.step('k'), ['k']);
  assert.equal(run.step('\x1b[H'), ['\x1b[1A\x1b[1D']);
  terminal.clientEchoes = true;
  assert.equal(run.step('\x1b[F'), []);
  assert.equal(run.step('\r'), ['=line abcdefghijk']);
});

test.run();
