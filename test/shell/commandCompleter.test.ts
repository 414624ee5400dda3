// Tab at the command prompt (commandCompleter): the command's name first, from the visible names and
// aliases in the case being typed; then the command's own completer, called with the handler as
// `this`, its answer filtered to what continues the word and quoted; a completer that throws or
// rejects completes nothing and is reported.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { command } from '../../src/shell/command.js';
import { CommandRegistry } from '../../src/shell/registry.js';
import { commandCompleter } from '../../src/shell/commandCompletion.js';
import { TelnetHandler } from '../../src/handler.js';

class Files extends TelnetHandler {
  files = ['notes.txt', 'my file', 'newer.txt'];

  @command(['get', 'fetch'], {
    complete(this: Files, params) {
      return params.length === 0 ? this.files : [];
    },
  })
  get() {}

  @command('later', { complete: async () => ['later-a', 'later-b'] })
  later() {}

  @command('broken', {
    complete() {
      throw new Error('completer broke');
    },
  })
  broken() {}

  @command('sulky', { complete: () => Promise.reject(new Error('no')) })
  sulky() {}

  @command('plain')
  plain() {}

  @command('gremlin', { hidden: true })
  gremlin() {}
}

const setup = () => {
  const failures: unknown[] = [];
  const tab = commandCompleter(CommandRegistry.forClass(Files), new Files(), (error) => failures.push(error));
  return { tab, failures };
};

test('the first word: visible names and aliases that continue it, in the case typed', () => {
  const { tab } = setup();
  assert.equal(tab('ge', false), { kind: 'replace', start: 0, text: 'get ' });
  assert.equal(tab('GE', false), { kind: 'replace', start: 0, text: 'GET ' });
  assert.equal(tab('f', false), { kind: 'replace', start: 0, text: 'fetch ' });
  // A hidden command is never offered.
  assert.equal(tab('gr', false), { kind: 'none' });
  assert.equal(tab('b', true), { kind: 'list', candidates: ['broken', 'bye'] });
});

test('an empty line lists every visible command on the second Tab, hidden ones left out', () => {
  const { tab } = setup();
  assert.equal(tab('', false), { kind: 'none' });
  const listed = tab('', true);
  assert.equal(listed, {
    kind: 'list',
    candidates: ['?', 'broken', 'bye', 'exit', 'fetch', 'get', 'help', 'history', 'later', 'logout', 'plain', 'quit', 'sulky'],
  });
});

test("the command's completer, with the handler as this, by any of its names", () => {
  const { tab } = setup();
  assert.equal(tab('get no', false), { kind: 'replace', start: 4, text: 'notes.txt ' });
  assert.equal(tab('FETCH my', false), { kind: 'replace', start: 6, text: '"my file" ' });
  assert.equal(tab('get n', false), { kind: 'none' });
  assert.equal(tab('get n', true), { kind: 'list', candidates: ['newer.txt', 'notes.txt'] });
  // Words after the first go to the completer: this one offers nothing for a second parameter.
  assert.equal(tab('get notes.txt n', true), { kind: 'none' });
});

test('a command without a completer, or an unknown one, completes nothing', () => {
  const { tab, failures } = setup();
  assert.equal(tab('plain x', true), { kind: 'none' });
  assert.equal(tab('nosuch x', true), { kind: 'none' });
  assert.equal(failures, []);
});

test('an async completer: the outcome arrives as a promise', async () => {
  const { tab } = setup();
  const outcome = tab('later later-', true);
  assert.instance(outcome, Promise);
  assert.equal(await outcome, { kind: 'list', candidates: ['later-a', 'later-b'] });
});

test('a completer that throws or rejects: nothing completed, the error reported once', async () => {
  const { tab, failures } = setup();
  assert.equal(tab('broken x', true), { kind: 'none' });
  assert.is(failures.length, 1);
  assert.is((failures[0] as Error).message, 'completer broke');
  assert.equal(await tab('sulky x', true), { kind: 'none' });
  assert.is(failures.length, 2);
  assert.is((failures[1] as Error).message, 'no');
});

test.run();
