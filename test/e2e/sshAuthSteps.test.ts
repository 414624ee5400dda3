// Authentication as paramiko does it, several requests on one connection: a password retried after a
// wrong one (paramiko asks for the ssh-userauth service before each), an empty username (refused, as
// telnet never takes one), the methods a refusal lists.
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ssh2 from 'ssh2';
import { createServer, type Server } from '../../src/server.js';
import { createDemoHandler } from '../../src/demo/testHandler.js';
import { recordingLogger } from '../support/demoServer.js';
import { runProgram } from '../support/run.js';
import { testNeeding } from '../support/tools.js';

const test = testNeeding('e2e/sshAuthSteps', ['paramiko'], uvuTest);
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sshAuthSteps.py');
const hostKey = ssh2.utils.generateKeyPairSync('ed25519').private;

type Step = [method: 'none' | 'password', username: string, password: string, pauseSeconds: number];
type Seen = { authenticated?: boolean; error?: string; allowed?: string[]; connected?: boolean; exec?: string };

async function steps(port: number, list: Step[]): Promise<Seen[]> {
  const run = await runProgram('/usr/bin/python3', [script, String(port), JSON.stringify(list)], { timeoutMs: 30_000 });
  assert.is(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as Seen[];
}

const log: string[] = [];
let passwords: Server;
let passwordPort = 0;
let names: Server;
let namesPort = 0;

test.before(async () => {
  // Small throttle waits: the retry below waits for its turn as any retry from the address would.
  const throttle = { loginThrottle: { baseDelayMs: 200, maxDelayMs: 400 } };
  passwords = createServer(createDemoHandler(), { logger: recordingLogger(log), ...throttle });
  ({ port: passwordPort } = await passwords.listenSsh({
    port: 0,
    hostKey,
    authCallback: (_user, password) => {
      if (password !== 'pw') throw new Error('wrong password');
    },
  }));
  // The demo without --password: any non-empty name gets in.
  names = createServer(createDemoHandler(), { logger: recordingLogger(log), ...throttle });
  ({ port: namesPort } = await names.listenSsh({ port: 0, hostKey, authCallbackUsername: () => {} }));
});

test.after(async () => {
  await passwords?.close({ timeoutMs: 2000 });
  await names?.close({ timeoutMs: 2000 });
});

test('a wrong password, a pause, then the right one on the same connection: logged in (was: disconnected)', async () => {
  const seen = await steps(passwordPort, [
    ['password', 'u', 'wrong', 0],
    ['password', 'u', 'wrong again', 0.5],
    ['password', 'u', 'pw', 2],
  ]);
  assert.equal(seen, [
    { error: 'AuthenticationException', connected: true },
    { error: 'AuthenticationException', connected: true },
    { authenticated: true },
    { exec: 'ran' },
  ]);
  assert.is(log.filter((l) => /login failed for "u" \(password\)/.test(l)).length, 2, log.join('\n'));
});

test('an empty username is refused over SSH (no session), whatever the method, and logged', async () => {
  const before = log.length;
  const none = await steps(namesPort, [['none', '', '', 0]]);
  assert.is(none.length, 1, JSON.stringify(none));
  assert.ok(none[0]!.error, JSON.stringify(none));
  const spaces = await steps(namesPort, [['none', '  ', '', 0]]);
  assert.ok(spaces.length === 1 && spaces[0]!.error, JSON.stringify(spaces));
  const password = await steps(passwordPort, [['password', '', 'pw', 0]]);
  assert.ok(password.length === 1 && password[0]!.error, `even with the right password: ${JSON.stringify(password)}`);
  assert.is(log.slice(before).filter((l) => /username refused: usernames may not be empty/.test(l)).length, 3, log.join('\n'));
  // A name gets in as before.
  assert.equal(await steps(namesPort, [['none', 'bob', '', 0]]), [{ authenticated: true }, { exec: 'ran' }]);
});

test.run();
