import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decideEcho } from '../../src/terminal/echo.js';
import { LineEditor, type EditorTerminal, type LineEditorSink } from '../../src/terminal/lineEditor.js';

// The whole table: who draws typed text, who ends the line, what telnet ECHO says.
const TABLE = [
  // terminal                                   secret  drawTyped drawLineEnd willEcho
  [{ clientEchoes: false, lineMode: false }, false, true, true, null],
  [{ clientEchoes: false, lineMode: false }, true, false, true, null],
  [{ clientEchoes: true, lineMode: false }, false, false, false, false],
  [{ clientEchoes: true, lineMode: false }, true, false, false, true],
  [{ clientEchoes: false, lineMode: true }, false, false, false, null],
  [{ clientEchoes: false, lineMode: true }, true, false, false, null],
  // A pipe is a pipe whatever else is said of it.
  [{ clientEchoes: true, lineMode: true }, true, false, false, null],
] as const;

test('decideEcho: the decision table', () => {
  for (const [facts, secret, drawTyped, drawLineEnd, willEcho] of TABLE) {
    const label = `${JSON.stringify(facts)} secret=${secret}`;
    assert.equal({ ...decideEcho(facts, secret) }, { drawTyped, drawLineEnd, willEcho }, label);
  }
});

test('decideEcho allocates nothing per call (the editor asks at every key)', () => {
  const facts = { clientEchoes: false, lineMode: false };
  assert.is(decideEcho(facts, false), decideEcho(facts, false));
  assert.ok(Object.isFrozen(decideEcho(facts, true)));
});

function editorOn(terminal: EditorTerminal) {
  const out: string[] = [];
  const lines: [string, boolean][] = [];
  const sink: LineEditorSink = {
    output: (text) => void out.push(text),
    line: (text, secret) => void lines.push([text, secret]),
    interrupt: () => {},
    interruptCommand: () => {},
    endOfInput: () => {},
    lineTooLong: () => {},
  };
  return { editor: new LineEditor(sink, { terminal }), out, lines };
}

test('the editor applies the decision: draws typed text and the line end only where it says', () => {
  const read = (terminal: EditorTerminal, echo: boolean) => {
    const { editor, out, lines } = editorOn(terminal);
    editor.begin({ prompt: '> ', echo, useHistory: false, history: [] });
    editor.feed('ab\r');
    return { out: out.join(''), lines };
  };
  const server = { clientEchoes: false, lineMode: false, width: 80 };
  assert.is(read(server, true).out, '> ab\n');
  assert.is(read(server, false).out, '> \n', 'a secret: the line end, no characters');
  assert.equal(read(server, false).lines, [['ab', true]]);
  const mud = { clientEchoes: true, lineMode: false, width: 80 };
  assert.is(read(mud, true).out, '> ', 'the client shows the text and its own line end');
  const pipe = { clientEchoes: false, lineMode: true, width: 80 };
  assert.is(read(pipe, true).out, '> ');
});

test('the editor reads the terminal at each key: a client found to echo itself mid-line is drawn to no more', () => {
  const terminal = { clientEchoes: false, lineMode: false, width: 80 };
  const { editor, out } = editorOn(terminal);
  editor.begin({ prompt: '', echo: true, useHistory: false, history: [] });
  editor.feed('a');
  terminal.clientEchoes = true;
  editor.feed('b\r');
  assert.is(out.join(''), 'a');
});

test.run();
