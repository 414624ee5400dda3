// The session chart driven through a fake host: states, login retries, continuation, readLine, closing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import { sessionMachine, InputAborted } from '../../src/machines/session.js';
import { stateToString } from '../../src/actors/session.js';
import { fakeHost, tick, type FakeHost } from './fakeHost.js';

function start(host: FakeHost) {
  const actor = createActor(sessionMachine, { input: { host } });
  actor.start();
  return { actor, state: () => stateToString(actor.getSnapshot().value) };
}

test('no authCallback: banner, welcome, prompt; username stays null', async () => {
  const host = fakeHost({ auth: null });
  const { state } = start(host);
  await tick();
  assert.equal(host.out.slice(0, 2), ['BANNER\n', 'WELCOME\n']);
  assert.is(state(), 'shell.prompting');
  assert.equal(host.accepted, [null]);
  assert.equal(host.prompts.at(-1), { prompt: '> ', echo: true, useHistory: true });
});

test('negotiation: waits for NEGOTIATED, or times out for silent clients', async () => {
  const answered = fakeHost({ auth: null, needsNegotiation: true });
  const a = start(answered);
  assert.is(a.state(), 'negotiating.waiting');
  a.actor.send({ type: 'NEGOTIATED' });
  await tick();
  assert.is(a.state(), 'shell.prompting');
  const silent = fakeHost({ auth: null, needsNegotiation: true });
  const s = start(silent);
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.is(s.state(), 'shell.prompting');
});

test('login: username, password with echo off, retry once, then disconnect after the limit', async () => {
  const tries: Array<[string | null, string | null]> = [];
  const host = fakeHost({
    auth: async (u, p) => {
      tries.push([u, p]);
      throw new Error('no');
    },
  });
  const { actor, state } = start(host);
  assert.is(state(), 'login.askingUsername');
  actor.send({ type: 'LINE', line: 'ann' });
  assert.is(state(), 'login.askingPassword');
  assert.equal(host.prompts.at(-1), { prompt: 'Password: ', echo: false, useHistory: false });
  actor.send({ type: 'LINE', line: 'pw1' });
  await tick();
  await tick();
  assert.is(state(), 'login.askingUsername');
  actor.send({ type: 'LINE', line: 'ann' });
  actor.send({ type: 'LINE', line: 'pw2' });
  await tick();
  await tick();
  assert.equal(tries, [['ann', 'pw1'], ['ann', 'pw2']]);
  assert.ok(host.out.includes('Too many failed login attempts.\n'));
  assert.is(host.ends, 1);
  assert.is(actor.getSnapshot().status, 'done');
  // The password never stays in the context.
  assert.is(actor.getSnapshot().context.password, null);
});

test('login success: acceptLogin gets the username, credentials are forgotten', async () => {
  const host = fakeHost({ auth: async (u, p) => void (u === 'ann' && p === 'ok' ? 0 : Promise.reject(new Error())) });
  const { actor, state } = start(host);
  actor.send({ type: 'LINE', line: 'ann' });
  actor.send({ type: 'LINE', line: 'ok' });
  await tick();
  await tick();
  assert.is(state(), 'shell.prompting');
  assert.equal(host.accepted, ['ann']);
  assert.is(actor.getSnapshot().context.password, null);
});

test('continuation: unclosed quote asks for more, then runs the whole command', async () => {
  const host = fakeHost({ auth: null });
  const { actor, state } = start(host);
  await tick();
  actor.send({ type: 'LINE', line: 'echo 1 "2' });
  assert.is(state(), 'shell.continuing');
  assert.is(host.prompts.at(-1)?.prompt, '... ');
  actor.send({ type: 'LINE', line: '3"' });
  await tick();
  assert.equal(host.commands, [['echo', '1', '2\n3']]);
  assert.is(state(), 'shell.prompting');
});

test('^C in continuation abandons the command; empty line just prompts again', async () => {
  const host = fakeHost({ auth: null });
  const { actor, state } = start(host);
  await tick();
  actor.send({ type: 'LINE', line: 'echo "open' });
  actor.send({ type: 'INTERRUPT' });
  assert.is(state(), 'shell.prompting');
  actor.send({ type: 'LINE', line: '   ' });
  assert.is(state(), 'shell.prompting');
  assert.equal(host.commands, []);
});

test('^D on the prompt runs QUIT', async () => {
  const host = fakeHost({ auth: null });
  const { actor } = start(host);
  await tick();
  actor.send({ type: 'END_OF_INPUT' });
  await tick();
  assert.equal(host.commands, [['QUIT']]);
});

test('readLine inside a command: awaitingLine, answered by LINE, aborted by ^C', async () => {
  const answers: string[] = [];
  let aborted: unknown = null;
  const host = fakeHost({
    auth: null,
    command: async () => {
      answers.push(await readLineVia(actor, 'first? '));
      try {
        await readLineVia(actor, 'second? ');
      } catch (err) {
        aborted = err;
      }
    },
  });
  const { actor, state } = start(host);
  await tick();
  actor.send({ type: 'LINE', line: 'ask' });
  await tick();
  assert.is(state(), 'shell.awaitingLine');
  assert.is(host.prompts.at(-1)?.prompt, 'first? ');
  actor.send({ type: 'LINE', line: 'yes' });
  await tick();
  assert.is(state(), 'shell.awaitingLine');
  actor.send({ type: 'INTERRUPT' });
  await tick();
  await tick();
  assert.equal(answers, ['yes']);
  assert.instance(aborted, InputAborted);
  assert.is(state(), 'shell.prompting');
});

test('a command that ends without waiting for its readLine: back to the prompt, the read rejected', async () => {
  let pending: Promise<string> | null = null;
  const host = fakeHost({
    auth: null,
    command: async () => {
      pending = readLineVia(actor, 'never answered? ');
      pending.catch(() => {}); // looked at below, after the command has ended
    },
  });
  const { actor, state } = start(host);
  await tick();
  actor.send({ type: 'LINE', line: 'ask' });
  await tick();
  await tick();
  assert.is(state(), 'shell.prompting');
  assert.ok(pending, 'the command asked for a line');
  const outcome = await (pending as unknown as Promise<string>).then(() => 'answered', (err: unknown) => err);
  assert.instance(outcome, InputAborted);
  // The next line is a command again, not an answer.
  actor.send({ type: 'LINE', line: 'again' });
  await tick();
  assert.is(state(), 'shell.prompting');
});

test('closing runs sessionEnd once, whatever arrives while closing; pending readLine is rejected', async () => {
  let rejected: unknown = null;
  const host = fakeHost({
    auth: null,
    command: async () => {
      try {
        await readLineVia(actor, 'x? ');
      } catch (err) {
        rejected = err;
      }
    },
  });
  const { actor } = start(host);
  await tick();
  actor.send({ type: 'LINE', line: 'ask' });
  await tick();
  actor.send({ type: 'DISCONNECTED' });
  actor.send({ type: 'DISCONNECTED' });
  actor.send({ type: 'END' });
  actor.send({ type: 'SHUTDOWN', message: 'bye' });
  await tick();
  await tick();
  assert.is(host.ends, 1);
  assert.is(host.disconnected, 1);
  assert.instance(rejected, InputAborted);
  assert.is(actor.getSnapshot().status, 'done');
});

test('exec: runs the one command and closes, no banner, no prompt', async () => {
  const host = fakeHost({ auth: null, execCommand: 'echo hi', authenticatedUser: 'ann' });
  const { actor } = start(host);
  await tick();
  await tick();
  assert.equal(host.commands, [['EXEC', 'echo hi']]);
  assert.equal(host.prompts, []);
  assert.not.ok(host.out.includes('BANNER\n'));
  assert.equal(host.accepted, ['ann']);
  assert.is(actor.getSnapshot().status, 'done');
});

test('SSH-style preauthenticated user skips the login states', async () => {
  const host = fakeHost({ auth: async () => Promise.reject(new Error('never asked')), authenticatedUser: 'bob' });
  const { state } = start(host);
  await tick();
  assert.is(state(), 'shell.prompting');
  assert.equal(host.accepted, ['bob']);
});

test('login timeout: closes a session stuck before the welcome; the timer is gone after it', async () => {
  const slow = fakeHost({ auth: async () => {}, loginTimeoutMs: 30 });
  const a = start(slow);
  assert.is(a.state(), 'login.askingUsername');
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.ok(slow.out.includes('\nLogin timed out.\n'));
  assert.is(a.actor.getSnapshot().status, 'done');
  const quick = fakeHost({ auth: async () => {}, loginTimeoutMs: 30 });
  const b = start(quick);
  assert.ok(quick.loginTimer, 'timer running while logging in');
  b.actor.send({ type: 'LINE', line: 'ann' });
  b.actor.send({ type: 'LINE', line: 'pw' });
  await tick();
  await tick();
  assert.is(b.state(), 'shell.prompting');
  assert.is(quick.loginTimer, null, 'stopped at the welcome');
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.is(b.state(), 'shell.prompting');
});

function readLineVia(actor: ReturnType<typeof start>['actor'], prompt: string): Promise<string> {
  return new Promise((resolve, reject) =>
    actor.send({ type: 'READ_LINE', request: { prompt, echo: true, useHistory: false, resolve, reject } }),
  );
}

test.run();
