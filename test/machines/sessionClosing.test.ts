// The session chart's end, cause by cause: each cause that can come again while closing (the peer
// going, END, SHUTDOWN, KICK, the idle and login timeouts, a message) changes nothing once closing
// (no second disconnect, no second sessionEnd, nothing more written); a readLine pending at the end is
// rejected with "session ended", in the shell, in sessionStart and in an exec; messages held during
// the login with exactly one dropped say so in the singular; the negotiation waits its own timeout.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InputAborted, MAX_HELD_MESSAGES, type SessionEvent } from '../../src/machines/session.js';
import { readLine, recordingHost, settle, startSession } from './recordingHost.js';

const again: SessionEvent[] = [
  { type: 'DISCONNECTED' },
  { type: 'END' },
  { type: 'SHUTDOWN', message: 'shutting down' },
  { type: 'KICK', message: 'kicked' },
  { type: 'IDLE_TIMEOUT' },
  { type: 'LOGIN_TIMEOUT' },
  { type: 'MESSAGE', text: 'hello' },
];

for (const cause of again) {
  test(`while closing, ${cause.type} changes nothing`, async () => {
    const host = recordingHost({ auth: null });
    let finishEnd!: () => void;
    let ends = 0;
    host.sessionEnd = () => {
      ends++;
      return new Promise<void>((resolve) => (finishEnd = resolve));
    };
    const { send, state, status } = startSession(host);
    await settle();
    send({ type: 'END' });
    assert.is(state(), 'closing');
    const written = host.out.length;
    const logged = host.logs.length;
    send(cause);
    send(cause);
    assert.is(state(), 'closing');
    assert.is(host.disconnected, 1);
    assert.is(ends, 1);
    assert.is(host.out.length, written, host.out.join('|'));
    assert.is(host.logs.length, logged);
    finishEnd();
    await settle();
    assert.is(status(), 'done');
  });
}

test('a readLine pending when the session ends is rejected with "session ended": in the shell, in sessionStart, in an exec', async () => {
  const outcomes: string[] = [];
  const note = (where: string) => (error: unknown) => void outcomes.push(`${where}: ${error instanceof InputAborted ? error.message : String(error)}`);

  const shell = recordingHost({ auth: null });
  shell.runCommand = () => readLine(a.send, 'x? ').then(() => {}, note('shell'));
  const a = startSession(shell);
  await settle();
  a.send({ type: 'LINE', line: 'ask' });
  a.send({ type: 'DISCONNECTED' });

  const welcome = recordingHost({ auth: null });
  welcome.sessionStart = async () => {
    await null;
    await readLine(b.send, 'name? ').then(() => {}, note('welcome'));
  };
  const b = startSession(welcome);
  await settle(1);
  assert.is(b.state(), 'welcome.awaitingLine');
  b.send({ type: 'KICK', message: null });

  const exec = recordingHost({ auth: null, execCommand: 'ask' });
  exec.runExec = async () => {
    await null;
    await readLine(c.send, 'sure? ').then(() => {}, note('exec'));
  };
  const c = startSession(exec);
  await settle(1);
  assert.is(c.state(), 'exec.awaitingLine');
  assert.is(exec.prompts.at(-1)?.prompt, 'sure? ');
  c.send({ type: 'END' });
  await settle();
  assert.equal(outcomes.sort(), ['exec: session ended', 'shell: session ended', 'welcome: session ended']);
});

test('an exec may read a line: answered, then the exec ends and the session closes', async () => {
  const host = recordingHost({ auth: null, execCommand: 'ask' });
  let answer = '';
  host.runExec = async () => {
    await null;
    answer = await readLine(send, 'sure? ');
  };
  const { send, state, status } = startSession(host);
  await settle(1);
  assert.is(state(), 'exec.awaitingLine');
  send({ type: 'LINE', line: 'yes' });
  await settle();
  assert.is(answer, 'yes');
  assert.is(status(), 'done');
});

test(`${MAX_HELD_MESSAGES + 1} messages during the login: the oldest dropped, said in the singular`, async () => {
  const host = recordingHost({ auth: null, needsNegotiation: true });
  const { send } = startSession(host);
  for (let i = 1; i <= MAX_HELD_MESSAGES + 1; i++) send({ type: 'MESSAGE', text: `m${i}` });
  send({ type: 'NEGOTIATED' });
  await settle();
  const shown = host.out.filter((line) => line.startsWith('MESSAGE '));
  assert.is(shown[0], 'MESSAGE [1 earlier message dropped while you logged in]');
  assert.is(shown[1], 'MESSAGE m2');
  assert.is(shown.length, MAX_HELD_MESSAGES + 1);
});

test('negotiation: the timeout is the host\'s negotiationTimeoutMs, not sooner', async () => {
  const host = recordingHost({ auth: null, needsNegotiation: true }, { negotiationTimeoutMs: 80 });
  const { state } = startSession(host);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.is(state(), 'negotiating.waiting');
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.is(state(), 'shell.prompting');
});

test.run();
