// The built-in login at its edges: which question comes first for each authNeedUser/authNeedPass,
// what authCallback is given, a blank username (no attempt), the attempt limit at the bound and one
// past it, the retry asking the same questions again, ^C and a line too long at each question, and
// the exact words said and logged.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recordingHost, settle, startSession } from './recordingHost.js';

type Tries = Array<[string | null, string | null]>;
const refuseAll = (tries: Tries) => async (u: string | null, p: string | null) => {
  tries.push([u, p]);
  throw new Error('no');
};
const acceptAll = (tries: Tries) => async (u: string | null, p: string | null) => void tries.push([u, p]);

test('username and password: both asked, in order, the password with echo off and no history', async () => {
  const tries: Tries = [];
  const host = recordingHost({ auth: acceptAll(tries) });
  const { send, state } = startSession(host);
  assert.equal(host.out, ['BANNER\n']);
  assert.equal(host.prompts, [{ prompt: 'Username: ', echo: true, useHistory: false }]);
  send({ type: 'LINE', line: 'ann' });
  assert.equal(host.prompts.at(-1), { prompt: 'Password: ', echo: false, useHistory: false });
  send({ type: 'LINE', line: 'pw' });
  assert.is(state(), 'login.checking');
  await settle();
  assert.equal(tries, [['ann', 'pw']]);
  assert.equal(host.accepted, ['ann']);
  assert.equal(host.out, ['BANNER\n', 'WELCOME\n']);
});

test('no issue: no banner line at all', async () => {
  const host = recordingHost({ auth: null }, { issue: null });
  startSession(host);
  await settle();
  assert.equal(host.out, ['WELCOME\n']);
});

test('password only (authNeedUser false): the password is asked first, the callback gets no username', async () => {
  const tries: Tries = [];
  const host = recordingHost({ auth: acceptAll(tries), authNeedUser: false });
  const { send, state } = startSession(host);
  assert.is(state(), 'login.askingPassword');
  assert.equal(host.prompts.map((p) => p.prompt), ['Password: ']);
  send({ type: 'LINE', line: 'pw' });
  await settle();
  assert.equal(tries, [[null, 'pw']]);
  assert.equal(host.accepted, [null]);
  assert.is(state(), 'shell.prompting');
});

test('username only (authNeedPass false): checked after the username, the callback gets no password', async () => {
  const tries: Tries = [];
  const host = recordingHost({ auth: acceptAll(tries), authNeedPass: false });
  const { send, state } = startSession(host);
  send({ type: 'LINE', line: 'ann' });
  assert.is(state(), 'login.checking');
  await settle();
  assert.equal(tries, [['ann', null]]);
  assert.equal(host.prompts.map((p) => p.prompt), ['Username: ', '> ']);
});

test('neither asked: the callback is asked at once with nothing, and can refuse', async () => {
  const tries: Tries = [];
  const host = recordingHost({ auth: refuseAll(tries), authNeedUser: false, authNeedPass: false }, { maxLoginAttempts: 2 });
  const { state, status } = startSession(host);
  assert.is(state(), 'login.checking');
  await settle(6);
  assert.equal(tries, [[null, null], [null, null]], 'retried without a question, up to the limit');
  assert.equal(host.prompts, []);
  assert.is(status(), 'done');
});

test('an authenticated user (SSH) skips the login even with an authCallback; no callback: no login', async () => {
  const tries: Tries = [];
  const ssh = recordingHost({ auth: refuseAll(tries), authenticatedUser: 'bob' });
  const a = startSession(ssh);
  await settle();
  assert.is(a.state(), 'shell.prompting');
  assert.equal(ssh.accepted, ['bob']);
  assert.equal(tries, []);
  const open = recordingHost({ auth: null });
  const b = startSession(open);
  await settle();
  assert.is(b.state(), 'shell.prompting');
  assert.equal(open.accepted, [null]);
});

test('a blank username is no attempt: the question again (twice), nothing checked, nothing counted', async () => {
  const tries: Tries = [];
  const host = recordingHost({ auth: refuseAll(tries) }, { maxLoginAttempts: 1 });
  const { send, state, context } = startSession(host);
  send({ type: 'LINE', line: '' });
  send({ type: 'LINE', line: '   ' });
  assert.is(state(), 'login.askingUsername');
  assert.equal(host.prompts.map((p) => p.prompt), ['Username: ', 'Username: ', 'Username: ']);
  assert.is(context().username, null);
  assert.is(context().failedLogins, 0);
  assert.equal(tries, []);
  assert.equal(host.out, ['BANNER\n'], 'no "Login failed."');
});

test('maxLoginAttempts 3: two failures ask again, the third closes; each said, the last logged', async () => {
  const tries: Tries = [];
  const host = recordingHost({ auth: refuseAll(tries) }, { maxLoginAttempts: 3 });
  const { send, state, context, status } = startSession(host);
  for (const n of [1, 2]) {
    send({ type: 'LINE', line: `u${n}` });
    send({ type: 'LINE', line: `p${n}` });
    await settle();
    assert.is(state(), 'login.askingUsername', `after failure ${n}`);
    assert.is(context().failedLogins, n);
    assert.is(context().username, null, 'forgotten after a failure');
    assert.is(context().password, null);
  }
  assert.equal(host.logs, []);
  send({ type: 'LINE', line: 'u3' });
  send({ type: 'LINE', line: 'p3' });
  await settle();
  assert.equal(tries, [['u1', 'p1'], ['u2', 'p2'], ['u3', 'p3']]);
  assert.equal(host.out, ['BANNER\n', 'Login failed.\n', 'Login failed.\n', 'Login failed.\n', 'Too many failed login attempts.\n']);
  assert.equal(host.logs, ['warn: too many failed login attempts: disconnecting']);
  assert.is(status(), 'done');
  assert.is(host.disconnected, 1);
  assert.is(host.ends, 1);
});

test('maxLoginAttempts 1: the first failure closes', async () => {
  const host = recordingHost({ auth: refuseAll([]) }, { maxLoginAttempts: 1 });
  const { send, status } = startSession(host);
  send({ type: 'LINE', line: 'u' });
  send({ type: 'LINE', line: 'p' });
  await settle();
  assert.is(status(), 'done');
  assert.equal(host.out.slice(1), ['Login failed.\n', 'Too many failed login attempts.\n']);
});

test('a retry after the delay asks what the first attempt asked: the password only, when only it is needed', async () => {
  const tries: Tries = [];
  const host = recordingHost({ auth: refuseAll(tries), authNeedUser: false }, { maxLoginAttempts: 3, loginRetryDelayMs: 30 });
  const { send, state } = startSession(host);
  send({ type: 'LINE', line: 'p1' });
  await settle();
  assert.is(state(), 'login.failed', 'waiting the retry delay');
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.is(state(), 'login.askingPassword');
  send({ type: 'LINE', line: 'p2' });
  await settle();
  assert.equal(tries, [[null, 'p1'], [null, 'p2']]);
  assert.equal(host.prompts.map((p) => p.prompt), ['Password: ', 'Password: ']);
});

test('a retry with nothing to ask checks again at once', async () => {
  let calls = 0;
  const host = recordingHost(
    {
      auth: async () => {
        if (++calls < 2) throw new Error('first');
      },
      authNeedUser: false,
      authNeedPass: false,
    },
    { maxLoginAttempts: 3 },
  );
  const { state } = startSession(host);
  await settle(6);
  assert.is(calls, 2);
  assert.is(state(), 'shell.prompting');
  assert.equal(host.out, ['BANNER\n', 'Login failed.\n', 'WELCOME\n']);
});

test('a line too long at the password keeps the username and asks the password again; at the username, the login starts over', async () => {
  const tries: Tries = [];
  const host = recordingHost({ auth: acceptAll(tries) });
  const { send, state, context } = startSession(host);
  send({ type: 'LINE_TOO_LONG', limit: 9 });
  assert.is(state(), 'login.askingUsername');
  assert.equal(host.logs, ['warn: line over 9 characters discarded']);
  send({ type: 'LINE', line: 'ann' });
  send({ type: 'LINE_TOO_LONG', limit: 9 });
  send({ type: 'LINE_TOO_LONG', limit: 9 });
  assert.is(state(), 'login.askingPassword');
  assert.is(context().username, 'ann');
  assert.equal(host.prompts.map((p) => p.prompt), ['Username: ', 'Username: ', 'Password: ', 'Password: ', 'Password: ']);
  assert.is(host.out.filter((line) => line === 'Line too long (more than 9 characters): discarded.\n').length, 3);
  send({ type: 'LINE', line: 'pw' });
  await settle();
  assert.equal(tries, [['ann', 'pw']]);
});

test('^C at the password starts the login over at the username', async () => {
  const host = recordingHost({ auth: acceptAll([]) });
  const { send, state } = startSession(host);
  send({ type: 'LINE', line: 'ann' });
  send({ type: 'INTERRUPT' });
  assert.is(state(), 'login.askingUsername');
  assert.is(host.prompts.at(-1)?.prompt, 'Username: ');
});

test('the password sits in the context as a Secret (hidden from inspection), and only until checked', async () => {
  let seen: string | null = null;
  const host = recordingHost({
    auth: async (_u, p) => {
      seen = p;
    },
  });
  const { send, context } = startSession(host);
  send({ type: 'LINE', line: 'ann' });
  send({ type: 'LINE', line: 'hunter2', secret: true });
  assert.is(JSON.stringify(context().password), '"********"');
  assert.is(String(context().password), '********');
  assert.is(context().password?.reveal(), 'hunter2');
  await settle();
  assert.is(seen, 'hunter2');
  assert.is(context().password, null);
  assert.is(context().username, null);
});

test('the login timeout: said, logged, closed', async () => {
  const host = recordingHost({ auth: acceptAll([]) });
  const { send, status } = startSession(host);
  send({ type: 'LOGIN_TIMEOUT' });
  await settle();
  assert.equal(host.out, ['BANNER\n', '\nLogin timed out.\n']);
  assert.equal(host.logs, ['info: login timed out: disconnecting']);
  assert.is(status(), 'done');
});

test.run();
