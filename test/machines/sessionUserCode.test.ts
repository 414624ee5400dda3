// User code in the session chart: sessionStart and commands that return at once (the prompt in the
// same macrostep, the inspector still sees `executing`), that return a promise, that throw, that wait
// in readLine (in the welcome as in the shell); a graceful shutdown letting a command finish, a kick
// not waiting for it; the idle timeout; ^C while a command runs; exec and sessionEnd failures.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import { InputAborted, sessionMachine, type SessionEvent } from '../../src/machines/session.js';
import { stateToString } from '../../src/machines/stateValue.js';
import { readLine, recordingHost, settle, startSession } from './recordingHost.js';

/** A session whose states are recorded as the inspector would see them (every microstep). */
function inspected(host: ReturnType<typeof recordingHost>) {
  const states: string[] = [];
  const actor = createActor(sessionMachine, {
    input: { host },
    inspect: (event) => {
      // The session is the only machine here (its children are promises): every microstep is its own.
      if (event.type === '@xstate.microstep') states.push(stateToString((event.snapshot as { value?: unknown }).value));
    },
  });
  actor.start();
  return { actor, states, send: (event: SessionEvent) => actor.send(event), state: () => stateToString(actor.getSnapshot().value) };
}

test('a command that returns without a promise: back at the prompt when send returns, executing seen on the way', async () => {
  const host = recordingHost({ auth: null });
  const ran: string[][] = [];
  host.runCommand = (_lines, words) => void ran.push([...words]);
  host.sessionStart = () => undefined;
  const { send, state, states, actor } = inspected(host);
  assert.is(state(), 'shell.prompting', 'sessionStart returned at once: the shell at start');
  send({ type: 'LINE', line: 'one' });
  assert.equal(ran, [['one']]);
  assert.is(state(), 'shell.prompting');
  assert.is(actor.getSnapshot().context.userCodePending, false);
  const at = states.lastIndexOf('shell.executing');
  assert.ok(at > 0, states.join(' '));
  assert.is(states[at + 1], 'shell.prompting');
  send({ type: 'LINE', line: 'two' });
  assert.equal(ran, [['one'], ['two']], 'the second runs too');
  assert.is(host.prompts.filter((p) => p.prompt === '> ').length, 3);
});

test('the context after a command: a plain one after a plain one leaves it as it was; lines kept only while in continuation or still running', async () => {
  const host = recordingHost({ auth: null });
  let finish: (() => void) | null = null;
  host.runCommand = (_lines, words) => (words[0] === 'slow' ? new Promise<void>((resolve) => (finish = resolve)) : undefined);
  const { send, context } = startSession(host);
  await settle();
  send({ type: 'LINE', line: 'one' });
  const afterFirst = context();
  assert.equal([afterFirst.lines, afterFirst.parsed, afterFirst.userCodePending], [[], null, false]);
  send({ type: 'LINE', line: 'two' });
  assert.is(context(), afterFirst, 'no copy of the context for the second plain command');
  send({ type: 'LINE', line: 'three \\' });
  assert.equal(context().lines, ['three \\'], 'in continuation: the line so far');
  send({ type: 'LINE', line: 'four' });
  assert.equal([context().lines, context().parsed, context().userCodePending], [[], null, false], 'the continued command is over: cleared');
  send({ type: 'LINE', line: 'slow x' });
  const running = context();
  const words = running.parsed?.complete ? running.parsed.words : null;
  assert.equal([running.lines, words, running.userCodePending], [['slow x'], ['slow', 'x'], true], 'running: its lines kept');
  finish!();
  await settle();
  send({ type: 'LINE', line: 'five' });
  assert.equal([context().lines, context().parsed, context().userCodePending], [[], null, false], 'after a command that was pending: cleared');
});

test('a command that returns a promise: executing until it settles, then the prompt', async () => {
  const host = recordingHost({ auth: null });
  let finish!: () => void;
  host.runCommand = () => new Promise<void>((resolve) => (finish = resolve));
  const { send, state, context } = startSession(host);
  await settle();
  send({ type: 'LINE', line: 'slow' });
  assert.is(state(), 'shell.executing');
  assert.is(context().userCodePending, true);
  send({ type: 'LINE', line: 'typed while it runs' });
  assert.is(state(), 'shell.executing', 'a line is no command while one runs');
  finish();
  await settle();
  assert.is(state(), 'shell.prompting');
});

test('a command that throws (at once or later): the error reported, the prompt again', async () => {
  const host = recordingHost({ auth: null });
  host.runCommand = (_lines, words) => {
    if (words[0] === 'now') throw new Error('at once');
    return Promise.reject(new Error('later'));
  };
  const { send, state } = startSession(host);
  await settle();
  send({ type: 'LINE', line: 'now' });
  await settle();
  assert.is(state(), 'shell.prompting');
  send({ type: 'LINE', line: 'then' });
  await settle();
  assert.is(state(), 'shell.prompting');
  assert.equal(host.out.filter((line) => line.startsWith('ERROR')), ['ERROR Error: at once', 'ERROR Error: later']);
});

test('the command gets the lines and words of what was typed; an incomplete parse gives no words', async () => {
  const host = recordingHost({ auth: null });
  const calls: Array<[string[], string[]]> = [];
  host.runCommand = (lines, words) => void calls.push([[...lines], [...words]]);
  const { send } = startSession(host);
  await settle();
  send({ type: 'LINE', line: 'say "a b"' });
  assert.equal(calls, [[['say "a b"'], ['say', 'a b']]]);
});

test('^C while a command runs (no line read) goes to the command; the state stays', async () => {
  const host = recordingHost({ auth: null });
  let interrupts = 0;
  host.interruptCommand = () => void interrupts++;
  host.runCommand = () => new Promise<void>(() => {});
  const { send, state } = startSession(host);
  await settle();
  send({ type: 'LINE', line: 'wait' });
  send({ type: 'INTERRUPT_COMMAND' });
  send({ type: 'INTERRUPT_COMMAND' });
  assert.is(interrupts, 2);
  assert.is(state(), 'shell.executing');
});

test('^C while a command runs, on a host with no interruptCommand: nothing happens, nothing breaks', async () => {
  const host = recordingHost({ auth: null });
  let finish!: () => void;
  host.runCommand = () => new Promise<void>((resolve) => (finish = resolve));
  assert.is(host.interruptCommand, undefined);
  const { send, state, status } = startSession(host);
  await settle();
  send({ type: 'LINE', line: 'wait' });
  send({ type: 'INTERRUPT_COMMAND' });
  assert.is(status(), 'active');
  assert.is(state(), 'shell.executing');
  finish();
  await settle();
  assert.is(state(), 'shell.prompting');
});

test('readLine in a command: the prompt with the request\'s options; ^D rejects with "end of input"', async () => {
  const host = recordingHost({ auth: null });
  let outcome: unknown;
  host.runCommand = async () => {
    try {
      await readLine(send, 'PIN: ', false);
    } catch (error) {
      outcome = error;
    }
  };
  const { send, state } = startSession(host);
  await settle();
  send({ type: 'LINE', line: 'ask' });
  assert.is(state(), 'shell.awaitingLine');
  assert.equal(host.prompts.at(-1), { prompt: 'PIN: ', echo: false, useHistory: false });
  send({ type: 'END_OF_INPUT' });
  await settle();
  assert.instance(outcome, InputAborted);
  assert.instance(outcome, Error);
  assert.is((outcome as Error).name, 'InputAborted');
  assert.is((outcome as Error).message, 'end of input');
  assert.is(state(), 'shell.prompting');
});

test('readLine: a second request while one waits is refused; a line too long asks the same again', async () => {
  const host = recordingHost({ auth: null });
  let second: unknown;
  let first: string | undefined;
  host.runCommand = async () => {
    const pending = readLine(send, 'first? ');
    await readLine(send, 'second? ').catch((error: unknown) => (second = error));
    first = await pending;
  };
  const { send, state, context } = startSession(host);
  await settle();
  send({ type: 'LINE', line: 'ask' });
  await settle();
  assert.is((second as Error)?.message, 'readLine is already waiting for a line');
  assert.is(state(), 'shell.awaitingLine');
  assert.is(context().read?.prompt, 'first? ');
  send({ type: 'LINE_TOO_LONG', limit: 3 });
  assert.is(state(), 'shell.awaitingLine');
  assert.equal(host.prompts.map((p) => p.prompt).slice(-2), ['first? ', 'first? ']);
  assert.is(host.out.at(-1), 'Line too long (more than 3 characters): discarded.\n');
  send({ type: 'LINE', line: 'yes' });
  await settle();
  assert.is(first, 'yes');
  assert.is(context().read, null);
  assert.is(state(), 'shell.prompting');
});

test('sessionStart may read lines: welcome.awaitingLine, answered, aborted (^C, ^D), refused twice, a line too long', async () => {
  const host = recordingHost({ auth: null });
  const got: string[] = [];
  host.sessionStart = async () => {
    await null; // the actor exists once start() has returned
    got.push(await readLine(send, 'Name? '));
    await readLine(send, 'Again? ').catch((error: Error) => got.push(`rejected: ${error.message}`));
    await readLine(send, 'Once more? ').catch((error: Error) => got.push(`rejected: ${error.message}`));
    const pending = readLine(send, 'Last? ');
    await readLine(send, 'Extra? ').catch((error: Error) => got.push(`refused: ${error.message}`));
    got.push(await pending);
  };
  const { send, state, context } = startSession(host);
  assert.is(state(), 'welcome.running');
  await settle(1);
  assert.is(state(), 'welcome.awaitingLine');
  assert.is(host.prompts.at(-1)?.prompt, 'Name? ');
  send({ type: 'LINE', line: 'ann' });
  await settle();
  assert.is(state(), 'welcome.awaitingLine');
  send({ type: 'INTERRUPT' });
  assert.is(state(), 'welcome.running');
  assert.is(context().read, null, 'the aborted read is let go of');
  await settle();
  send({ type: 'END_OF_INPUT' });
  await settle();
  assert.is(state(), 'welcome.awaitingLine');
  send({ type: 'LINE_TOO_LONG', limit: 5 });
  assert.equal(host.prompts.map((p) => p.prompt).slice(-2), ['Last? ', 'Last? ']);
  send({ type: 'LINE', line: 'done' });
  await settle();
  assert.equal(got, ['ann', 'rejected: interrupted', 'rejected: end of input', 'refused: readLine is already waiting for a line', 'done']);
  assert.is(state(), 'shell.prompting');
});

test('sessionStart failing: reported, the shell all the same', async () => {
  const host = recordingHost({ auth: null });
  host.sessionStart = () => Promise.reject(new Error('start broke'));
  const { state } = startSession(host);
  assert.is(state(), 'welcome.running');
  await settle();
  assert.is(state(), 'shell.prompting');
  assert.ok(host.out.includes('ERROR Error: start broke'), host.out.join('|'));
});

test('a graceful shutdown lets the command finish, then closes; its message shown once', async () => {
  const host = recordingHost({ auth: null });
  let finish!: () => void;
  host.runCommand = () => new Promise<void>((resolve) => (finish = resolve));
  const { send, state, status, context } = startSession(host);
  await settle();
  send({ type: 'LINE', line: 'long' });
  send({ type: 'SHUTDOWN', message: 'going down' });
  assert.is(state(), 'shell.executing');
  assert.is(context().shutdownRequested, true);
  assert.equal(host.out.slice(-1), ['\ngoing down\n']);
  assert.is(host.disconnected, 0);
  finish();
  await settle();
  assert.is(status(), 'done');
  assert.is(host.disconnected, 1);
  assert.is(host.ends, 1);
});

test('a shutdown while a command fails: reported and closed; without a message nothing is shown', async () => {
  const host = recordingHost({ auth: null });
  let fail!: (error: Error) => void;
  host.runCommand = () => new Promise<void>((_resolve, reject) => (fail = reject));
  const { send, status } = startSession(host);
  await settle();
  const before = host.out.length;
  send({ type: 'LINE', line: 'long' });
  send({ type: 'SHUTDOWN', message: null });
  assert.is(host.out.length, before);
  fail(new Error('boom'));
  await settle();
  assert.is(status(), 'done');
  assert.equal(host.out.slice(before), ['ERROR Error: boom']);
});

test('a shutdown while the command waits in readLine: the read abandoned ("interrupted"), the command ends, closed', async () => {
  const host = recordingHost({ auth: null });
  let outcome: unknown;
  host.runCommand = async () => {
    await readLine(send, 'answer? ').catch((error: unknown) => (outcome = error));
  };
  const { send, state, status } = startSession(host);
  await settle();
  send({ type: 'LINE', line: 'ask' });
  assert.is(state(), 'shell.awaitingLine');
  send({ type: 'SHUTDOWN', message: 'bye' });
  assert.equal(host.out.slice(-1), ['\nbye\n']);
  await settle();
  assert.instance(outcome, InputAborted);
  assert.is((outcome as Error).message, 'interrupted');
  assert.is(status(), 'done');
});

test('at the prompt a shutdown closes at once, with its message; a kick too, even while a command runs', async () => {
  const host = recordingHost({ auth: null });
  const a = startSession(host);
  await settle();
  a.send({ type: 'SHUTDOWN', message: 'closing now' });
  assert.is(a.state(), 'closing');
  assert.equal(host.out.slice(-1), ['\nclosing now\n']);

  const busy = recordingHost({ auth: null });
  busy.runCommand = () => new Promise<void>(() => {});
  const b = startSession(busy);
  await settle();
  b.send({ type: 'LINE', line: 'forever' });
  b.send({ type: 'KICK', message: 'kicked' });
  assert.is(b.state(), 'closing');
  assert.equal(busy.out.slice(-1), ['\nkicked\n']);
  await settle();
  assert.is(b.status(), 'done');
  const quiet = recordingHost({ auth: null });
  const c = startSession(quiet);
  await settle();
  const before = quiet.out.length;
  c.send({ type: 'KICK', message: null });
  assert.is(quiet.out.length, before, 'no message: nothing written');
});

test('the idle timeout: said, logged, closed', async () => {
  const host = recordingHost({ auth: null });
  const { send, status } = startSession(host);
  await settle();
  send({ type: 'IDLE_TIMEOUT' });
  await settle();
  assert.equal(host.out.slice(-1), ['\nIdle too long: disconnecting.\n']);
  assert.equal(host.logs, ['info: idle timeout: disconnecting']);
  assert.is(status(), 'done');
});

test('exec failing: reported, closed; sessionEnd failing: logged with its error, closed all the same', async () => {
  const host = recordingHost({ auth: null, execCommand: 'boom' });
  host.runExec = () => Promise.reject(new Error('exec broke'));
  const failure = new Error('end broke');
  host.sessionEnd = () => Promise.reject(failure);
  const { status, state } = startSession(host);
  assert.is(state(), 'exec.running');
  await settle();
  assert.is(status(), 'done');
  assert.ok(host.out.includes('ERROR Error: exec broke'), host.out.join('|'));
  assert.equal(host.logs, ['error: sessionEnd failed']);
  assert.equal(host.errors, [failure]);
});

test('the login timer: started with the session actor at the start, stopped at the welcome and at an exec', async () => {
  const host = recordingHost({ auth: async () => {} });
  const watched: unknown[] = [];
  let finished = 0;
  host.watchLogin = (session) => void watched.push(session);
  host.loginFinished = () => void finished++;
  const { actor, send } = startSession(host);
  assert.equal(watched, [actor]);
  assert.is(finished, 0);
  send({ type: 'LINE', line: 'ann' });
  send({ type: 'LINE', line: 'pw' });
  await settle();
  assert.is(finished, 1);
  const exec = recordingHost({ auth: null, execCommand: 'x' });
  let execFinished = 0;
  exec.loginFinished = () => void execFinished++;
  startSession(exec);
  assert.is(execFinished, 1);
});

test.run();
