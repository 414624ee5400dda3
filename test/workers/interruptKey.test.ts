// ^C while the editor reads no line (a command runs) acts at once, as a terminal's ISIG does: the
// session is told, the keys typed ahead of it are dropped, the keys after it wait for the next line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LineEditor, type ReadOptions } from '../../src/terminal/lineEditor.js';

function editor(maxLineLength = 100) {
  const events: string[] = [];
  let output = '';
  const ed = new LineEditor(
    {
      output: (text) => (output += text),
      line: (line) => events.push(`line ${line}`),
      interrupt: () => events.push('abandon'),
      interruptCommand: () => events.push('interrupt'),
      endOfInput: () => events.push('eof'),
      lineTooLong: () => events.push('too long'),
    },
    { maxLineLength },
  );
  const read: ReadOptions = { prompt: '> ', echo: true, useHistory: false, history: [] };
  ed.begin(read);
  return { ed, events, begin: () => ed.begin(read), output: () => output };
}

test('^C while idle: told at once, "^C" shown, type-ahead before it dropped, keys after it kept', () => {
  const { ed, events, begin, output } = editor();
  ed.feed('run\r');
  assert.equal(events, ['line run']);
  const before = output().length;
  ed.feed('lost');
  assert.equal(events, ['line run'], 'type-ahead waits');
  ed.feed('\x03kept');
  assert.equal(events, ['line run', 'interrupt']);
  assert.is(output().slice(before), '^C\n');
  begin();
  assert.is(ed.buffer, 'kept');
  ed.feed('\r');
  assert.equal(events, ['line run', 'interrupt', 'line kept']);
});

test('^C in the same chunk as the Enter that ends the line acts once the line is taken', () => {
  const { ed, events, begin } = editor();
  ed.feed('run\rlost\x03');
  assert.equal(events, ['line run', 'interrupt']);
  begin();
  assert.is(ed.buffer, '', 'nothing typed ahead survives the ^C');
});

test('the second ^C while idle is told too; a ^C at the prompt still abandons the line', () => {
  const { ed, events, begin, output } = editor();
  ed.feed('run\r\x03');
  ed.feed('\x03');
  assert.equal(events, ['line run', 'interrupt', 'interrupt']);
  begin();
  ed.feed('half\x03');
  assert.equal(events, ['line run', 'interrupt', 'interrupt', 'abandon']);
  assert.match(output(), /half\^C ABORT\n$/);
});

test('^C gets through when the type-ahead queue is full', () => {
  const { ed, events } = editor(10);
  ed.feed('run\r');
  ed.feed('0123456789');
  ed.feed('overflow');
  ed.feed('\x03');
  assert.equal(events, ['line run', 'interrupt']);
});

test('telnet IP (the transport calls interrupt()) while idle acts the same', () => {
  const { ed, events } = editor();
  ed.feed('run\r');
  ed.interrupt();
  assert.equal(events, ['line run', 'interrupt']);
});

test.run();
