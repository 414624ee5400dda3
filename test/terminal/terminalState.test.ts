import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TerminalState } from '../../src/terminal/terminalState.js';
import { TERMINAL_LIMITS } from '../../src/terminal/terminalLimits.js';
import { TelnetHandler } from '../../src/handler.js';
import { attachSession, type SessionLink } from '../../src/actors/sessionLink.js';

test('defaults: ansi 80x24, no types, no variables, UTF-8, colour', () => {
  const state = new TerminalState();
  assert.equal([state.term, state.width, state.height, state.terminalTypes, state.environment, state.charset], ['ansi', 80, 24, [], {}, 'utf-8']);
  assert.ok(state.colour);
  assert.not.ok(state.clientEchoes);
});

test('apply says what changed: size, type, echo; a repeat changes nothing', () => {
  const state = new TerminalState();
  assert.equal({ ...state.apply({ width: 100, height: 30 }) }, { size: true, term: false, clientEchoes: false });
  assert.equal({ ...state.apply({ width: 100, height: 30 }) }, { size: false, term: false, clientEchoes: false });
  assert.equal({ ...state.apply({ height: 31 }) }, { size: true, term: false, clientEchoes: false });
  assert.equal([state.width, state.height], [100, 31]);
  assert.equal({ ...state.apply({ term: 'vt100' }) }, { size: false, term: true, clientEchoes: false });
  assert.not.ok(state.colour, 'vt100 shows no colour: derived from term');
  assert.equal({ ...state.apply({ term: 'vt100' }) }, { size: false, term: false, clientEchoes: false });
});

test('a MUD client echoes itself, by TTYPE list or name; once known it stays so', () => {
  const state = new TerminalState();
  assert.equal({ ...state.apply({ term: 'MUDLET', terminalTypes: ['MUDLET'] }) }, { size: false, term: true, clientEchoes: true });
  assert.ok(state.clientEchoes);
  assert.equal({ ...state.apply({ term: 'XTERM-256COLOR', terminalTypes: ['MUDLET', 'XTERM-256COLOR'] }) }, { size: false, term: true, clientEchoes: false });
  assert.ok(state.clientEchoes, 'still: the second name does not undo it');
  const tintin = new TerminalState();
  tintin.apply({ term: 'tintin++' });
  assert.ok(tintin.clientEchoes, 'NEW-ENVIRON TERM alone tells too');
  const xterm = new TerminalState();
  xterm.apply({ term: 'xterm', terminalTypes: ['xterm', 'xterm-256color'] });
  assert.not.ok(xterm.clientEchoes);
});

test('TTYPE list: at most TERMINAL_LIMITS.terminalTypes names, each printable and at most nameLength', () => {
  const state = new TerminalState();
  const names = Array.from({ length: TERMINAL_LIMITS.terminalTypes + 1 }, (_, i) => `T${i}`);
  state.apply({ terminalTypes: names.slice(0, TERMINAL_LIMITS.terminalTypes) });
  assert.is(state.terminalTypes.length, TERMINAL_LIMITS.terminalTypes, 'at the limit: all kept');
  state.apply({ terminalTypes: names });
  assert.equal(state.terminalTypes, names.slice(0, TERMINAL_LIMITS.terminalTypes), 'one past: the last dropped');
  assert.ok(Object.isFrozen(state.terminalTypes));
  const long = 'x'.repeat(TERMINAL_LIMITS.nameLength + 1);
  state.apply({ term: long.slice(0, TERMINAL_LIMITS.nameLength) });
  assert.is(state.term.length, TERMINAL_LIMITS.nameLength);
  state.apply({ term: `y${long}` });
  assert.is(state.term, `y${long}`.slice(0, TERMINAL_LIMITS.nameLength), 'one past: cut');
  // An SSH pty-req's TERM is anything the client likes: escapes must not reach a handler that prints it.
  state.apply({ term: '\x1b[2Jxterm\x07\r\n' });
  assert.is(state.term, '[2Jxterm');
  state.apply({ term: '\x1b\x07 ' });
  assert.is(state.term, '[2Jxterm', 'nothing printable left: unchanged');
});

test('environment: at most TERMINAL_LIMITS.variables, names and values within their limits, USER never', () => {
  const state = new TerminalState();
  const at = new Map(Array.from({ length: TERMINAL_LIMITS.variables }, (_, i) => [`V${i}`, 'v'] as [string, string]));
  state.apply({ environment: at });
  assert.is(Object.keys(state.environment).length, TERMINAL_LIMITS.variables);
  state.apply({ environment: new Map([...at, ['ONE_MORE', 'v']]) });
  assert.is(Object.keys(state.environment).length, TERMINAL_LIMITS.variables, 'one past: dropped');
  assert.is(state.environment.ONE_MORE, undefined);
  const value = 'v'.repeat(TERMINAL_LIMITS.variableValue + 1);
  const nameAt = 'N'.repeat(TERMINAL_LIMITS.variableName);
  state.apply({ environment: new Map([['LANG', value], [nameAt, 'a'], [`${nameAt}X`, 'b'], ['USER', 'root'], ['__proto__', 'p']]) });
  assert.is(state.environment.LANG!.length, TERMINAL_LIMITS.variableValue);
  assert.is(state.environment[nameAt], 'a');
  assert.is(state.environment[`${nameAt}X`], undefined);
  assert.is(state.environment.USER, undefined);
  assert.is(Object.getOwnPropertyDescriptor(state.environment, '__proto__')?.value, 'p', 'a name like any other');
  assert.is(Object.getPrototypeOf(state.environment), Object.prototype);
  assert.ok(Object.isFrozen(state.environment));
});

test('sizes: positive whole numbers up to TERMINAL_LIMITS.dimension; zero, negatives and NaN ignored', () => {
  const state = new TerminalState();
  state.apply({ width: TERMINAL_LIMITS.dimension, height: TERMINAL_LIMITS.dimension + 1 });
  assert.equal([state.width, state.height], [TERMINAL_LIMITS.dimension, TERMINAL_LIMITS.dimension]);
  state.apply({ width: 0, height: -5 });
  assert.equal([state.width, state.height], [TERMINAL_LIMITS.dimension, TERMINAL_LIMITS.dimension]);
  state.apply({ width: Number.NaN, height: 1 });
  assert.equal([state.width, state.height], [TERMINAL_LIMITS.dimension, 1]);
  // Infinity is no size either (a custom transport's bad arithmetic): ignored, not clamped.
  state.apply({ width: 80, height: 24 });
  state.apply({ width: Number.POSITIVE_INFINITY, height: Number.NEGATIVE_INFINITY });
  assert.equal([state.width, state.height], [80, 24]);
});

function linkWith(terminal: TerminalState): SessionLink {
  return { terminal } as unknown as SessionLink;
}

test('the handler reads the session terminal state: one owner, changes seen at once', () => {
  const handler = new TelnetHandler();
  const state = new TerminalState();
  handler[attachSession](linkWith(state));
  state.apply({ term: 'xterm-256color', terminalTypes: ['xterm-256color'], width: 132, height: 50, environment: new Map([['LANG', 'C']]), charset: 'latin1' });
  assert.equal([handler.term, handler.terminalTypes, handler.width, handler.height, handler.environment, handler.charset, handler.colour], ['xterm-256color', ['xterm-256color'], 132, 50, { LANG: 'C' }, 'latin1', true]);
  handler.width = 40;
  assert.is(state.width, 40, 'a handler setting width sets the state (the editor reads it)');
  handler.term = 'dumb';
  assert.is(state.term, 'dumb');
  assert.not.ok(handler.colour);
  handler[attachSession](null);
  assert.is(handler.width, 40, 'kept after the session ends (sessionEnd reads it)');
});

test('a handler without a session: defaults, and setters change its own state, never the shared defaults', () => {
  const a = new TelnetHandler();
  const b = new TelnetHandler();
  assert.equal([a.term, a.width, a.height], ['ansi', 80, 24]);
  a.width = 100;
  a.environment = { LANG: 'C' };
  assert.is(a.width, 100);
  assert.equal(a.environment, { LANG: 'C' });
  assert.equal([b.width, b.environment], [80, {}]);
});

test.run();
