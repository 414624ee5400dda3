// The terminal state at its edges: line mode fixed at construction, TTYPE names cleaned, blank and
// repeated names dropped, a MUD client known from the TTYPE list alone, sizes that are not finite,
// empty variable names, facts a change leaves out kept, and what apply answers when nothing changed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TerminalState } from '../../src/terminal/terminalState.js';
import { TERMINAL_LIMITS } from '../../src/terminal/terminalLimits.js';

test('line mode: false by default, true when asked, whatever is applied later', () => {
  assert.is(new TerminalState().lineMode, false);
  assert.is(new TerminalState({}).lineMode, false);
  assert.is(new TerminalState({ lineMode: false }).lineMode, false);
  const pipe = new TerminalState({ lineMode: true });
  assert.is(pipe.lineMode, true);
  pipe.apply({ term: 'xterm', width: 100 });
  assert.is(pipe.lineMode, true);
});

test('TTYPE names: trimmed, blank ones and repeats dropped, the limit counts the names kept', () => {
  const state = new TerminalState();
  state.apply({ terminalTypes: ['  XTERM ', '', '\x1b', 'XTERM', 'VT100', 'XTERM'] });
  assert.equal(state.terminalTypes, ['XTERM', 'VT100']);
  const names = Array.from({ length: TERMINAL_LIMITS.terminalTypes }, (_, i) => `T${i}`);
  state.apply({ terminalTypes: [names[0]!, names[0]!, '', ...names.slice(1), 'ONE_MORE'] });
  assert.equal(state.terminalTypes, names);
});

test('a MUD client known from the TTYPE list alone, wherever in the list; a name that only contains one is not', () => {
  const listed = new TerminalState();
  assert.equal({ ...listed.apply({ terminalTypes: ['xterm', 'Mudlet 4.17'] }) }, { size: false, term: false, clientEchoes: true });
  assert.ok(listed.clientEchoes);
  const inside = new TerminalState();
  inside.apply({ terminalTypes: ['xterm-mudlet'], term: 'my-tintin' });
  assert.not.ok(inside.clientEchoes);
  // TinTin++ without its pluses is TinTin.
  const tintin = new TerminalState();
  tintin.apply({ term: 'TINTIN' });
  assert.ok(tintin.clientEchoes);
});

test('the client said it echoes itself (refused our ECHO): known from then on, and said once', () => {
  const state = new TerminalState();
  assert.equal({ ...state.apply({ clientEchoes: true }) }, { size: false, term: false, clientEchoes: true });
  assert.ok(state.clientEchoes);
  assert.equal({ ...state.apply({ clientEchoes: true }) }, { size: false, term: false, clientEchoes: false });
});

test('sizes: infinite, fractional below 1 and absent are ignored; fractions cut down', () => {
  const state = new TerminalState();
  assert.equal({ ...state.apply({ width: Number.POSITIVE_INFINITY, height: 0.5 }) }, { size: false, term: false, clientEchoes: false });
  assert.equal([state.width, state.height], [80, 24]);
  state.apply({ width: 100.9, height: 1 });
  assert.equal([state.width, state.height], [100, 1]);
  assert.equal({ ...state.apply({ height: 30 }) }, { size: true, term: false, clientEchoes: false });
  assert.equal([state.width, state.height], [100, 30]);
});

test('variables: an empty name is dropped, the rest kept', () => {
  const state = new TerminalState();
  state.apply({ environment: new Map([['', 'x'], ['LANG', 'C']]) });
  assert.equal({ ...state.environment }, { LANG: 'C' });
  assert.equal(Object.keys(state.environment), ['LANG']);
});

test('facts a change leaves out are kept: the charset, the variables, the names', () => {
  const state = new TerminalState();
  state.apply({ charset: 'latin1', environment: new Map([['LANG', 'C']]), terminalTypes: ['xterm'], term: 'xterm' });
  state.apply({ width: 90 });
  assert.equal([state.charset, { ...state.environment }, state.terminalTypes, state.term], ['latin1', { LANG: 'C' }, ['xterm'], 'xterm']);
});

test('nothing changed: the one shared frozen answer (a NAWS flood allocates nothing)', () => {
  const state = new TerminalState();
  const first = state.apply({ width: 80 });
  assert.equal({ ...first }, { size: false, term: false, clientEchoes: false });
  assert.ok(Object.isFrozen(first));
  assert.is(state.apply({ height: 24 }), first);
  assert.not.ok(Object.isFrozen(state.apply({ width: 81 })));
});

test.run();
