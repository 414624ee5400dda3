// SSH against paramiko and asyncssh (Debian's python3-paramiko, python3-asyncssh): password and keyboard-interactive logins, two
// channels on one connection, window-change, env, exit statuses, the channel cap with bare channels.
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ssh2 from 'ssh2';
import { createServer, type Server } from '../../src/server.js';
import { createDemoHandler } from '../../src/demo/testHandler.js';
import { command } from '../../src/shell/command.js';
import { recordingLogger } from '../support/demoServer.js';
import { runProgram } from '../support/run.js';
import { testNeeding } from '../support/tools.js';

const test = testNeeding('e2e/sshPython', ['paramiko', 'asyncssh'], uvuTest);
const here = path.dirname(fileURLToPath(import.meta.url));
const script = path.join(here, 'sshParamiko.py');

const Demo = createDemoHandler();
class EnvDemo extends Demo {
  @command('env', { help: '\nShow the environment the client sent.' })
  showEnvironment(): void {
    this.writeResponse(JSON.stringify(this.environment));
  }
}

const log: string[] = [];
let server: Server;
let port = 0;

test.before(async () => {
  server = createServer(EnvDemo, { logger: recordingLogger(log) });
  ({ port } = await server.listenSsh({
    port: 0,
    hostKey: ssh2.utils.generateKeyPairSync('ed25519').private,
    authCallback: (_user, password) => {
      if (password !== 'pw') throw new Error('wrong password');
    },
  }));
});

test.after(async () => {
  await server.close({ timeoutMs: 2000 });
});

interface Run {
  out: string;
  err: string;
  status: number;
}

test('paramiko: logins, two channels at once, resize, env, statuses, ten bare channels and a refused eleventh', async () => {
  const result = await runProgram('/usr/bin/python3', [script, String(port)], { timeoutMs: 60_000 });
  assert.is(result.code, 0, result.stderr);
  const seen = JSON.parse(result.stdout) as Record<string, unknown>;
  console.log(`    paramiko negotiated ${String(seen.cipher)} with ${String(seen.mac)}`);
  assert.is(seen.mac, 'hmac-sha2-256-etm@openssh.com', 'paramiko 2 has no AEAD cipher: CTR with an etm MAC');

  const beside = seen.execBeside as Run;
  assert.equal(beside, { out: 'Username: pat, terminal type: dumb\nWidth: 80, height: 24\nCommand history:\n', err: '', status: 0 });
  assert.match(seen.shellInfo as string, /Username: pat, terminal type: xterm\r\nWidth: 90, height: 30\r\n/);
  assert.match(seen.shellResized as string, /Width: 120, height: 40\r\n/);
  assert.is(seen.shellExit, 0, '`exit` gives exit status 0');

  assert.equal(seen.env, { out: '{"LANG":"C.UTF-8"}\n', err: '', status: 0 });
  assert.equal(seen.unknown, { out: '', err: "Unknown command 'NOSUCH'\n", status: 1 });

  assert.match(seen.eleventh as string, /^refused/);
  assert.equal(seen.afterClose, { out: 'again\n', err: '', status: 0 }, 'a closed bare channel frees its place');
  assert.match(log.join('\n'), /channel refused: more than 10 session channels on one connection/);

  assert.equal(seen.kbdPrompts, [['Password: ', false]]);
  assert.equal(seen.kbdExec, { out: 'via keyboard-interactive\n', err: '', status: 0 });
  assert.is(seen.wrongPassword, 'refused');
});

test('asyncssh: keyboard-interactive login, two execs at once with their streams and statuses, a pty exec, `exit` status 0', async () => {
  const result = await runProgram('/usr/bin/python3', ['-W', 'ignore', path.join(here, 'sshAsyncssh.py'), String(port)], { timeoutMs: 60_000 });
  assert.is(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout), {
    one: ['one\n', '', 0],
    two: ['', "Unknown command 'NOSUCH'\n", 1],
    ptyExec: ['Username: ash, terminal type: vt220\r\nWidth: 100, height: 30\r\nCommand history:\r\n', 0],
    exit: 0,
  });
});

test.run();
