// The session chart's shell at its limits: continuation lines counted to maxCommandLines and their
// characters (with the newlines between them) to maxCommandLength, each at the bound and one past it,
// the words said and logged when a command or a line is refused, and what ^C, ^D, an empty line and a
// line too long do at the prompt and in continuation (the second time as well as the first).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recordingHost, settle, startSession } from './recordingHost.js';

const prompts = (host: ReturnType<typeof recordingHost>, prompt: string) => host.prompts.filter((p) => p.prompt === prompt).length;

async function shell(settings: Parameters<typeof recordingHost>[1] = {}) {
  const host = recordingHost({ auth: null }, settings);
  const session = startSession(host);
  await settle();
  assert.is(session.state(), 'shell.prompting');
  return { host, ...session };
}

test('maxCommandLines: a command of exactly that many lines runs; one line more is refused, said and logged', async () => {
  const { host, send, state, context } = await shell({ maxCommandLines: 3 });
  send({ type: 'LINE', line: 'echo "a' });
  send({ type: 'LINE', line: 'b' });
  assert.is(state(), 'shell.continuing');
  assert.equal(context().lines, ['echo "a', 'b']);
  send({ type: 'LINE', line: 'c"' });
  await settle();
  assert.equal(host.commands, [['echo', 'a\nb\nc']]);
  assert.is(state(), 'shell.prompting');
  // Four lines: the fourth is refused even though it would complete the command.
  for (const line of ['echo "a', 'b', 'c']) send({ type: 'LINE', line });
  assert.is(state(), 'shell.continuing', 'three lines, still open: allowed');
  send({ type: 'LINE', line: 'd"' });
  assert.is(state(), 'shell.prompting');
  assert.equal(host.commands, [['echo', 'a\nb\nc']], 'nothing more ran');
  assert.is(host.out.at(-1), 'Command too long (more than 3 lines or 131072 characters): discarded.\n');
  assert.equal(host.logs, ['warn: command over 3 lines or 131072 characters discarded']);
  assert.equal(context().lines, []);
  assert.is(context().parsed, null);
  // The next line starts a new command: the refused lines are not part of it.
  send({ type: 'LINE', line: 'echo x' });
  await settle();
  assert.equal(host.commands.at(-1), ['echo', 'x']);
});

test('maxCommandLength counts every line and the newline between each: at the bound allowed, one past refused', async () => {
  const { host, send, state, context } = await shell({ maxCommandLength: 10 });
  // 'echo "ab' (8) + newline + 'c' (1) = 10: allowed.
  send({ type: 'LINE', line: 'echo "ab' });
  send({ type: 'LINE', line: 'c' });
  assert.is(state(), 'shell.continuing');
  assert.equal(context().lines, ['echo "ab', 'c']);
  // + newline + '"' = 12: refused.
  send({ type: 'LINE', line: '"' });
  assert.is(state(), 'shell.prompting');
  assert.is(host.out.at(-1), 'Command too long (more than 64 lines or 10 characters): discarded.\n');
  // 8 + 1 + 2 = 11, one past: refused at the second line.
  send({ type: 'LINE', line: 'echo "ab' });
  send({ type: 'LINE', line: 'c"' });
  assert.is(state(), 'shell.prompting');
  assert.equal(host.commands, []);
  assert.is(host.logs.length, 2);
  // A completing second line at exactly 10 runs: 'echo "a' (7) + 1 + 'b"' (2).
  send({ type: 'LINE', line: 'echo "a' });
  send({ type: 'LINE', line: 'b"' });
  await settle();
  assert.equal(host.commands, [['echo', 'a\nb']]);
});

test('a first line is never measured against the command limits (the editor bounds it)', async () => {
  const { host, send } = await shell({ maxCommandLength: 4, maxCommandLines: 1 });
  send({ type: 'LINE', line: 'echo longer than four' });
  await settle();
  assert.equal(host.commands, [['echo', 'longer', 'than', 'four']]);
  assert.equal(host.logs, []);
});

test('an empty line and a blank one at the prompt: the prompt again, nothing run', async () => {
  const { host, send, state, context } = await shell();
  assert.is(prompts(host, '> '), 1);
  send({ type: 'LINE', line: '' });
  assert.is(prompts(host, '> '), 2);
  send({ type: 'LINE', line: '   ' });
  assert.is(prompts(host, '> '), 3);
  assert.is(state(), 'shell.prompting');
  assert.equal(host.commands, []);
  assert.equal(context().lines, [], 'an empty line is not kept as a command');
});

test('a continuation that ends up empty (a lone backslash, then nothing) runs nothing and prompts again', async () => {
  const { host, send, state } = await shell();
  send({ type: 'LINE', line: '\\' });
  assert.is(state(), 'shell.continuing');
  assert.is(prompts(host, '... '), 1);
  send({ type: 'LINE', line: '' });
  assert.is(state(), 'shell.prompting');
  assert.is(prompts(host, '> '), 2);
  assert.equal(host.commands, []);
});

test('continuation: each line adds to the command (the second and third too), the prompt each time', async () => {
  const { host, send, state, context } = await shell();
  send({ type: 'LINE', line: 'echo "1' });
  send({ type: 'LINE', line: '2' });
  send({ type: 'LINE', line: '3' });
  assert.is(prompts(host, '... '), 3);
  assert.equal(context().lines, ['echo "1', '2', '3']);
  assert.equal(context().parsed?.complete, false);
  send({ type: 'LINE', line: '4"' });
  await settle();
  assert.equal(host.commands, [['echo', '1\n2\n3\n4']]);
  assert.is(state(), 'shell.prompting');
  // The next command starts afresh.
  send({ type: 'LINE', line: 'echo "5' });
  assert.equal(context().lines, ['echo "5']);
});

test('^D and a line too long in continuation abandon the command; the next line is a new one', async () => {
  const { host, send, state, context } = await shell();
  send({ type: 'LINE', line: 'echo "a' });
  send({ type: 'END_OF_INPUT' });
  assert.is(state(), 'shell.prompting');
  assert.equal(host.commands, [], '^D in continuation is not QUIT');
  send({ type: 'LINE', line: 'echo "b' });
  send({ type: 'LINE_TOO_LONG', limit: 7 });
  assert.is(state(), 'shell.prompting');
  assert.is(host.out.at(-1), 'Line too long (more than 7 characters): discarded.\n');
  assert.equal(host.logs, ['warn: line over 7 characters discarded']);
  send({ type: 'LINE', line: 'echo c' });
  await settle();
  assert.equal(host.commands, [['echo', 'c']]);
  assert.equal(context().lines, ['echo c']);
});

test('at the prompt: ^C prompts again (twice), a line too long is said and the prompt comes again', async () => {
  const { host, send, state } = await shell();
  send({ type: 'INTERRUPT' });
  send({ type: 'INTERRUPT' });
  assert.is(prompts(host, '> '), 3);
  send({ type: 'LINE_TOO_LONG', limit: 4096 });
  assert.is(prompts(host, '> '), 4);
  assert.is(state(), 'shell.prompting');
  assert.equal(host.out.slice(-1), ['Line too long (more than 4096 characters): discarded.\n']);
  assert.equal(host.logs, ['warn: line over 4096 characters discarded']);
  assert.equal(host.commands, []);
});

test('^D at the prompt runs QUIT with no lines of its own, and QUIT only', async () => {
  const { host, send, context } = await shell();
  send({ type: 'LINE', line: 'echo 1' });
  await settle();
  send({ type: 'END_OF_INPUT' });
  await settle();
  assert.equal(host.commands, [['echo', '1'], ['QUIT']]);
  assert.equal(context().lines, []);
  assert.equal(context().parsed, { complete: true, words: ['QUIT'] });
});

test('the command prompt reads with echo, history and completion; the continuation prompt without completion', async () => {
  const host = recordingHost({ auth: null });
  const seen: unknown[][] = [];
  host.promptLine = (...args) => void seen.push(args);
  const { send } = startSession(host);
  await settle();
  send({ type: 'LINE', line: 'echo "a' });
  assert.equal(seen, [
    ['> ', true, true, true, true],
    ['... ', true, true, false, true],
  ]);
});

test.run();
