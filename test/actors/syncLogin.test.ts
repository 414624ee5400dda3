// An authCallback that answers without a promise is answered inside the macrostep its line started:
// the inspector still sees `login.checking` (as a microstep), and no child actor is made for it. One
// that returns a promise waits in `login.checking` for its answer, as before.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { InspectionEvent } from 'xstate';
import { startServer } from '../support/demoServer.js';
import { TelnetTestClient } from '../support/telnetClient.js';
import { TelnetHandler } from '../../src/handler.js';
import { stateToString } from '../../src/actors/session.js';

type Seen = { type: string; actor: string; event: string; state: string };

function recorder(seen: Seen[]) {
  return (event: InspectionEvent) => {
    const actor = (event.actorRef as { id?: string }).id ?? '';
    const snapshot = 'snapshot' in event ? (event.snapshot as { value?: unknown }) : undefined;
    const type = 'event' in event ? (event.event as { type: string }).type : '';
    seen.push({ type: event.type, actor, event: type, state: snapshot?.value === undefined ? '' : stateToString(snapshot.value) });
  };
}

class Checked extends TelnetHandler {
  override prompt = '$ ';
  override authNeedUser = true;
  override authNeedPass = true;
  override authCallback(username: string | null, password: string | null): void | Promise<void> {
    const ok = password === 'right';
    if (username === 'later') return new Promise((resolve, reject) => setTimeout(() => (ok ? resolve() : reject(new Error('no'))), 20));
    if (!ok) throw new Error('wrong password');
  }
}

async function loginAs(username: string, password: string, seen: Seen[]) {
  const server = await startServer(Checked, { negotiationTimeoutMs: 50, loginRetryDelayMs: 10, inspect: recorder(seen) });
  const client = await TelnetTestClient.connect(server.port);
  await client.waitFor('Username: ');
  client.send(`${username}\r\n`);
  await client.waitFor('Password: ');
  const from = seen.length;
  const screenFrom = client.screen.length;
  client.send(`${password}\r\n`);
  return { server, client, from, screenFrom };
}

/** The session's microsteps and snapshots from `from` on, as `kind event:state`. */
function steps(seen: Seen[], from: number): string[] {
  return seen
    .slice(from)
    .filter((e) => /^s\d+$/.test(e.actor) && (e.type === '@xstate.microstep' || e.type === '@xstate.snapshot'))
    .map((e) => `${e.type.slice(8)} ${e.event}:${e.state}`);
}

test('authCallback passing at once: LINE -> login.checking -> welcome -> prompt in one macrostep, no child actor', async () => {
  const seen: Seen[] = [];
  const { server, client, from, screenFrom } = await loginAs('ann', 'right', seen);
  try {
    await client.waitFor('$ ', { from: screenFrom });
    assert.equal(steps(seen, from), [
      'microstep LINE:login.checking',
      'microstep LINE:welcome.running',
      'microstep LINE:shell.prompting',
      'snapshot LINE:shell.prompting',
    ]);
    assert.not.ok(seen.some((e) => e.actor === 'authenticate'), 'no authenticate actor');
    assert.not.ok(seen.some((e) => /^LOGIN_(ACCEPTED|REFUSED)$/.test(e.event)), 'no answer event');
  } finally {
    client.close();
    await server.stop();
  }
});

test('authCallback refusing at once: login.checking -> failed in the same macrostep, the attempt counted, asked again', async () => {
  const seen: Seen[] = [];
  const { server, client, from, screenFrom } = await loginAs('ann', 'wrong', seen);
  try {
    await client.waitFor('Login failed.\nUsername: ', { from: screenFrom });
    assert.equal(steps(seen, from).slice(0, 3), ['microstep LINE:login.checking', 'microstep LINE:login.failed', 'snapshot LINE:login.failed']);
    assert.ok(server.log.some((line) => /login failed for user "ann"/.test(line)), server.log.join('\n'));
    client.send('ann\r\n');
    await client.waitFor('Password: ', { from: screenFrom + 20 });
    client.send('wrong\r\n');
    await client.waitFor('Login failed.\nUsername: ', { from: client.screen.lastIndexOf('Password: ') });
    client.send('ann\r\n');
    await client.waitFor('Password: ', { from: client.screen.lastIndexOf('Username: ') });
    client.send('wrong\r\n');
    await client.waitFor('Too many failed login attempts.');
    await client.waitForClose();
  } finally {
    client.close();
    await server.stop();
  }
});

test('authCallback answering by a promise: waits in login.checking, then LOGIN_ACCEPTED (or LOGIN_REFUSED)', async () => {
  for (const [password, event, next] of [['right', 'LOGIN_ACCEPTED', 'shell.prompting'], ['wrong', 'LOGIN_REFUSED', 'login.failed']] as const) {
    const seen: Seen[] = [];
    const { server, client, from, screenFrom } = await loginAs('later', password, seen);
    try {
      await client.waitFor(password === 'right' ? '$ ' : 'Login failed.', { from: screenFrom });
      const after = steps(seen, from);
      assert.equal(after.slice(0, 2), ['microstep LINE:login.checking', 'snapshot LINE:login.checking'], 'it waits there');
      assert.ok(after.includes(`snapshot ${event}:${next}`), after.join('\n'));
    } finally {
      client.close();
      await server.stop();
    }
  }
});

test.run();
