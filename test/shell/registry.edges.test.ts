// The command registry and @command at their edges: names() for help's completion, hidden names
// only when asked, which methods count as old-style cmdNAME commands, a completer kept across stacked
// decorators, and @command on anything but a method refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { command } from '../../src/shell/command.js';
import { CommandRegistry } from '../../src/shell/registry.js';
import { parseHelp, renderHelpDetail, renderHelpList } from '../../src/shell/helpText.js';
import { TelnetHandler } from '../../src/handler.js';

const complete = () => ['x'];

class Mixed extends TelnetHandler {
  @command('alias2')
  @command('stacked', { complete })
  stacked() {}

  @command('shy', { hidden: true })
  shy() {}

  cmdOK() {}
  xcmdNOT() {}
  cmdNOT2x() {}
  cmd() {}
  cmdBAD$() {}
}

test('names(): visible names sorted; names(true) with the hidden ones', () => {
  const registry = CommandRegistry.forClass(Mixed);
  assert.equal(registry.names(), ['?', 'ALIAS2', 'BYE', 'EXIT', 'HELP', 'HISTORY', 'LOGOUT', 'NOT2X', 'OK', 'QUIT', 'STACKED']);
  assert.equal(registry.names(true), ['?', 'ALIAS2', 'BYE', 'EXIT', 'HELP', 'HISTORY', 'LOGOUT', 'NOT2X', 'OK', 'QUIT', 'SHY', 'STACKED']);
});

test('old style: only a whole cmdNAME method name is a command', () => {
  const registry = CommandRegistry.forClass(Mixed);
  assert.is(registry.lookup('ok')?.method, 'cmdOK');
  assert.is(registry.lookup('not'), undefined, 'xcmdNOT is not cmdNOT');
  assert.is(registry.lookup('not2x')?.method, 'cmdNOT2x');
  assert.is(registry.lookup(''), undefined);
  assert.is(registry.lookup('bad'), undefined, 'cmdBAD$ is not cmdBAD');
  assert.is(registry.lookup('bad$'), undefined);
});

test('a completer given lower in the stack is kept by a decorator above that gives none', () => {
  const registry = CommandRegistry.forClass(Mixed);
  assert.is(registry.lookup('alias2')?.complete, complete);
  assert.is(registry.lookup('stacked')?.complete, complete);
});

test('@command on a field, getter or accessor is refused with a TypeError', () => {
  const decorate = command('x') as (value: unknown, context: { kind: string }) => unknown;
  for (const kind of ['field', 'getter', 'setter', 'accessor', 'class']) {
    assert.throws(() => decorate(undefined, { kind }), (error: unknown) => error instanceof TypeError && error.message === '@command decorates methods only');
  }
});

test('a class that inherits from nothing but Object: only its own commands', () => {
  class Bare {
    cmdONE() {}
  }
  assert.equal(CommandRegistry.forClass(Bare).names(), ['ONE']);
  const nullProto = function NoProto() {} as unknown as Function;
  nullProto.prototype = Object.create(null);
  (nullProto.prototype as Record<string, unknown>).cmdTWO = () => {};
  assert.equal(CommandRegistry.forClass(nullProto).names(), ['TWO']);
});

test('help text: no help at all, a short text only, a command without help in the list and detail', () => {
  assert.equal(parseHelp(undefined), { params: '', short: '', long: '' });
  assert.equal(parseHelp('  <a>  \n  Short.  \n  Long one.  \n  Long two.  '), { params: '<a>', short: 'Short.', long: 'Long one.\nLong two.' });
  assert.equal(parseHelp('<a>'), { params: '<a>', short: '', long: '' });
  class NoHelp extends TelnetHandler {
    @command('mute')
    mute() {}
  }
  const registry = CommandRegistry.forClass(NoHelp);
  assert.ok(renderHelpList(registry).includes('MUTE - no help for MUTE'));
  assert.equal(renderHelpDetail(registry.lookup('mute')!), ['MUTE', '', 'no help for MUTE']);
});

test.run();
