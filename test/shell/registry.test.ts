import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { command } from '../../src/shell/command.js';
import { CommandRegistry } from '../../src/shell/registry.js';
import { renderHelpDetail, renderHelpList } from '../../src/shell/helpText.js';
import { TelnetHandler } from '../../src/handler.js';

class Sample extends TelnetHandler {
  @command('echo', { help: '<text to echo>\nEcho text back to the console.\nThis command simply echos the provided text back to the console.' })
  @command(['copy', 'repeat'])
  @command('ditto', { hidden: true })
  echo() {}

  @command('plain', { help: '\nNo parameters here.' })
  plain() {}

  cmdOLD() {}
  cmdSECRET() {}
  static {
    Object.assign(this.prototype.cmdOLD, { aliases: ['ANCIENT'], help: '<x>\nAn old-style command.' });
    Object.assign(this.prototype.cmdSECRET, { hidden: true });
  }
}

class Override extends Sample {
  @command('echo', { help: '\nOverridden echo.' })
  loud() {}
}

test('stacked decorators: aliases accumulate, any hidden hides all, help from the stack', () => {
  const registry = CommandRegistry.forClass(Sample);
  for (const name of ['echo', 'COPY', 'Repeat', 'ditto']) {
    const entry = registry.lookup(name);
    assert.ok(entry, name);
    assert.is(entry!.method, 'echo');
    assert.is(entry!.hidden, true);
    assert.is(entry!.help.params, '<text to echo>');
  }
});

test('old style cmdNAME with aliases, help and hidden properties; builtins inherited', () => {
  const registry = CommandRegistry.forClass(Sample);
  assert.is(registry.lookup('ancient')?.method, 'cmdOLD');
  assert.is(registry.lookup('old')?.help.short, 'An old-style command.');
  assert.is(registry.lookup('secret')?.hidden, true);
  for (const name of ['help', '?', 'exit', 'quit', 'bye', 'logout', 'history']) assert.ok(registry.lookup(name), name);
});

test('a subclass command of the same name wins; the base keeps its own', () => {
  assert.is(CommandRegistry.forClass(Override).lookup('echo')?.method, 'loud');
  assert.is(CommandRegistry.forClass(Override).lookup('copy')?.method, 'echo');
  assert.is(CommandRegistry.forClass(Sample).lookup('echo')?.method, 'echo');
  assert.is(CommandRegistry.forClass(Sample), CommandRegistry.forClass(Sample), 'built once per class');
});

test('help list: visible names and aliases, sorted, NAME <params> - <short>', () => {
  class Visible extends TelnetHandler {
    @command(['echo', 'copy'], { help: '<text to echo>\nEcho text back to the console.' })
    echo() {}
  }
  assert.equal(renderHelpList(CommandRegistry.forClass(Visible)), [
    '? [<command>] - Display help',
    'BYE - Exit the command shell',
    'COPY <text to echo> - Echo text back to the console.',
    'ECHO <text to echo> - Echo text back to the console.',
    'EXIT - Exit the command shell',
    'HELP [<command>] - Display help',
    'HISTORY - Display the command history',
    'LOGOUT - Exit the command shell',
    'QUIT - Exit the command shell',
  ]);
  const sample = renderHelpList(CommandRegistry.forClass(Sample)).join('\n');
  assert.not.match(sample, /ECHO|DITTO|SECRET/);
  assert.match(sample, /ANCIENT <x> - An old-style command\./);
});

test('help detail: NAME <params>, blank line, long text (short text when there is none)', () => {
  const registry = CommandRegistry.forClass(Sample);
  assert.equal(renderHelpDetail(registry.lookup('echo')!), [
    'ECHO <text to echo>',
    '',
    'This command simply echos the provided text back to the console.',
  ]);
  assert.equal(renderHelpDetail(registry.lookup('plain')!), ['PLAIN', '', 'No parameters here.']);
});

test.run();
