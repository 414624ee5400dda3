// MESSAGE in each state of the session chart, through the fake host: shown at the prompt, in
// continuation, while a command runs and while it waits in readLine; held (20, oldest dropped with a
// note) during negotiation and login and shown after the welcome; dropped in an exec and while closing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import { MAX_HELD_MESSAGES, sessionMachine } from '../../src/machines/session.js';
import { stateToString } from '../../src/actors/session.js';
import { fakeHost, tick, type FakeHost } from './fakeHost.js';

function start(host: FakeHost) {
  const actor = createActor(sessionMachine, { input: { host } });
  actor.start();
  return { actor, state: () => stateToString(actor.getSnapshot().value) };
}

const message = (text: string) => ({ type: 'MESSAGE', text }) as const;
const shown = (host: FakeHost) => host.out.filter((line) => line.startsWith('MESSAGE '));

test('at the prompt and in continuation: shown at once, the prompt kept', async () => {
  const host = fakeHost({ auth: null });
  const { actor, state } = start(host);
  await tick();
  assert.is(state(), 'shell.prompting');
  actor.send(message('one'));
  assert.equal(shown(host), ['MESSAGE one']);
  assert.is(state(), 'shell.prompting');
  actor.send({ type: 'LINE', line: 'echo "open' });
  assert.is(state(), 'shell.continuing');
  actor.send(message('two'));
  assert.equal(shown(host), ['MESSAGE one', 'MESSAGE two']);
  assert.is(state(), 'shell.continuing');
  // The message cost no prompt of its own: the continuation line is still the one being read.
  assert.is(host.prompts.filter((p) => p.prompt === '... ').length, 1);
});

test('while a command runs and while it waits in readLine (echo off): shown, the read still waiting', async () => {
  let answer: Promise<string> | null = null;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const host = fakeHost({ auth: null, command: () => released });
  const { actor, state } = start(host);
  await tick();
  actor.send({ type: 'LINE', line: 'sleep' });
  await tick();
  assert.is(state(), 'shell.executing');
  actor.send(message('during'));
  assert.equal(shown(host), ['MESSAGE during']);
  release();
  await tick();
  await tick();
  assert.is(state(), 'shell.prompting');

  const host2 = fakeHost({
    auth: null,
    command: async () => {
      answer = new Promise<string>((resolve, reject) =>
        actor2.send({ type: 'READ_LINE', request: { prompt: 'New password: ', echo: false, useHistory: false, resolve, reject } }),
      );
      await answer;
    },
  });
  const { actor: actor2, state: state2 } = start(host2);
  await tick();
  actor2.send({ type: 'LINE', line: 'passwd' });
  await tick();
  await tick();
  assert.is(state2(), 'shell.awaitingLine');
  actor2.send(message('while you type'));
  assert.equal(shown(host2), ['MESSAGE while you type']);
  assert.is(state2(), 'shell.awaitingLine', 'the read goes on waiting');
  actor2.send({ type: 'LINE', line: 'secret', secret: true });
  assert.is(await answer, 'secret');
  assert.not.ok(host2.out.some((line) => line.includes('secret')), 'the typed secret is never written');
});

test('during negotiation: held, shown after the welcome in order', async () => {
  const host = fakeHost({ auth: null, needsNegotiation: true });
  const { actor, state } = start(host);
  assert.is(state(), 'negotiating.waiting');
  actor.send(message('early 1'));
  actor.send(message('early 2'));
  assert.equal(shown(host), []);
  actor.send({ type: 'NEGOTIATED' });
  await tick();
  const welcome = host.out.indexOf('WELCOME\n');
  assert.ok(welcome >= 0);
  assert.equal(host.out.slice(welcome + 1, welcome + 3), ['MESSAGE early 1', 'MESSAGE early 2']);
  assert.is(state(), 'shell.prompting');
  // Held once: a message after the welcome is not preceded by the old ones again.
  actor.send(message('later'));
  assert.equal(shown(host), ['MESSAGE early 1', 'MESSAGE early 2', 'MESSAGE later']);
});

test(`during login (username, password, check): ${MAX_HELD_MESSAGES} held; one more drops the oldest with a note`, async () => {
  const host = fakeHost({ auth: async () => {} });
  const { actor, state } = start(host);
  assert.is(state(), 'login.askingUsername');
  actor.send(message('m1'));
  actor.send({ type: 'LINE', line: 'ann' });
  assert.is(state(), 'login.askingPassword');
  for (let i = 2; i <= MAX_HELD_MESSAGES; i++) actor.send(message(`m${i}`));
  assert.equal(shown(host), [], 'nothing shown during the login');
  assert.is(actor.getSnapshot().context.heldMessages.length, MAX_HELD_MESSAGES);
  assert.is(actor.getSnapshot().context.droppedMessages, 0, 'exactly the bound: none dropped');
  // One past the bound, and a second one: the two oldest go.
  actor.send(message('m21'));
  actor.send(message('m22'));
  actor.send({ type: 'LINE', line: 'pw', secret: true });
  await tick();
  await tick();
  assert.is(state(), 'shell.prompting');
  const expected = ['MESSAGE [2 earlier messages dropped while you logged in]'];
  for (let i = 3; i <= 22; i++) expected.push(`MESSAGE m${i}`);
  assert.equal(shown(host), expected);
  assert.ok(host.out.indexOf('WELCOME\n') < host.out.indexOf(expected[0]!), 'after the welcome');
  assert.is(actor.getSnapshot().context.heldMessages.length, 0, 'forgotten once shown');
});

test('held messages are kept within the message limit (the host cuts them when held)', async () => {
  const host = fakeHost({ auth: async () => {} });
  const { actor } = start(host);
  actor.send(message('x'.repeat(100)));
  assert.equal(actor.getSnapshot().context.heldMessages, [`${'x'.repeat(40)} [cut]`]);
});

test('while closing and in an exec: dropped', async () => {
  let finishEnd!: () => void;
  const host = fakeHost({ auth: null });
  host.sessionEnd = () => new Promise<void>((resolve) => (finishEnd = resolve));
  const { actor, state } = start(host);
  await tick();
  actor.send({ type: 'END' });
  assert.is(state(), 'closing');
  actor.send(message('too late'));
  assert.equal(shown(host), []);
  finishEnd();
  await tick();
  assert.is(actor.getSnapshot().status, 'done');

  const exec = fakeHost({ auth: null, execCommand: 'echo hi' });
  let finishExec!: () => void;
  exec.runExec = () => new Promise<void>((resolve) => (finishExec = resolve));
  const e = start(exec);
  assert.is(e.state(), 'exec.running');
  e.actor.send(message('not in the output'));
  assert.equal(shown(exec), []);
  finishExec();
});

test.run();
