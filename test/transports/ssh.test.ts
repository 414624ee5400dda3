// The SSH transport against the real OpenSSH client (acceptance for issue 3).
import { testNeeding } from '../support/tools.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { SSHHandler } from '../../src/sshHandler.js';
import { defaultServerFor } from '../../src/defaultServer.js';
import { createServer, type Server } from '../../src/server.js';
import { createDemoHandler } from '../../src/demo/testHandler.js';
import { getRsaKeyFile, loadOrCreateHostKey } from '../../src/transports/hostKey.js';
import { startSshDemo } from '../support/sshDemoServer.js';
import { runExpect, runProgram } from '../support/run.js';

const dir = mkdtempSync(path.join(tmpdir(), 'telnetsrv-ssh-'));
const clientKey = path.join(dir, 'id_ed25519');
let server: Server;
let port = 0;
const test = testNeeding('transports/ssh', ['ssh', 'sshpass', 'expect']);

const log: string[] = [];

const SSH_OPTIONS = [
  '-o', 'StrictHostKeyChecking=no',
  '-o', 'UserKnownHostsFile=/dev/null',
  '-o', 'LogLevel=ERROR',
  '-o', 'BatchMode=no',
  '-o', 'ConnectTimeout=5',
];

test.before(async () => {
  ({ server, port } = await startSshDemo({ dir, clientKey, password: 'sesame', log }));
});

test.after(async () => {
  await server?.close({ timeoutMs: 2000 });
  rmSync(dir, { recursive: true, force: true });
});

const sshArgs = (extra: string[] = []) => [...SSH_OPTIONS, '-p', String(port), '-i', clientKey, ...extra];

test('host key: created ed25519 with mode 0600, read back unchanged; malformed keys are an error', () => {
  const file = path.join(dir, 'host_key');
  assert.is(statSync(file).mode & 0o777, 0o600);
  assert.match(readFileSync(file, 'utf8'), /OPENSSH PRIVATE KEY/);
  assert.is(loadOrCreateHostKey(file), readFileSync(file, 'utf8'));
  const bad = path.join(dir, 'bad_key');
  writeFileSync(bad, 'not a key');
  assert.throws(() => loadOrCreateHostKey(bad), /not a private key/);
  assert.is(readFileSync(bad, 'utf8'), 'not a key', 'never silently replaced');
});

test('getRsaKeyFile creates a 3072-bit RSA key (0600) that OpenSSH reads', async () => {
  const file = path.join(dir, 'rsa_key');
  getRsaKeyFile(file);
  assert.is(statSync(file).mode & 0o777, 0o600);
  const info = await runProgram('ssh-keygen', ['-l', '-f', file]);
  assert.match(info.stdout, /^3072 .*\(RSA\)/);
});

test('exec with a client key: `ssh host echo hi` prints hi and exits 0; unknown command exits 1', async () => {
  const ok = await runProgram('ssh', sshArgs(['-T', 'ann@127.0.0.1', 'echo', 'hi']));
  assert.is(ok.code, 0, ok.stderr);
  assert.is(ok.stdout, 'hi\n');
  const bad = await runProgram('ssh', sshArgs(['-T', 'ann@127.0.0.1', 'nosuchcommand']));
  assert.is(bad.code, 1);
  assert.is(bad.stdout, '');
  assert.is(bad.stderr, "Unknown command 'NOSUCHCOMMAND'\n", 'no pty: on stderr, no colour');
});

test('shell with a pty: prompt, info shows user, TERM and size; a resize is seen; exit closes', async () => {
  const script = `
    set timeout 8
    spawn ssh -tt ${sshArgs().join(' ')} carol@127.0.0.1
    exec stty rows 33 columns 111 < $spawn_out(slave,name)
    expect "TestServer> " {} timeout { exit 11 }
    send "info\\r"
    expect "TestServer> " {} timeout { exit 12 }
    exec stty rows 40 columns 120 < $spawn_out(slave,name)
    exec kill -WINCH [exp_pid]
    sleep 0.5
    send "info\\r"
    expect -re "Width: 120, height: 40" {} timeout { exit 13 }
    expect "TestServer> " {} timeout { exit 14 }
    send "exit\\r"
    expect "Goodbye" {} timeout { exit 15 }
    expect eof {} timeout { exit 16 }
    exit 0
  `;
  const { code, output } = await runExpect(script, { TERM: 'vt220' });
  assert.is(code, 0, output);
  assert.match(output, /You have connected to the test server\./);
  assert.match(output, /Username: carol, terminal type: vt220/);
  assert.match(output, /Width: 111, height: 33/);
  assert.not.match(output, /Username: $/m, 'no telnet login over SSH');
});

test('password through keyboard-interactive and password auth; a wrong password is denied', async () => {
  const env = { SSHPASS: 'sesame' };
  for (const method of ['keyboard-interactive', 'password']) {
    const ok = await runProgram('sshpass', ['-e', 'ssh', ...SSH_OPTIONS, '-p', String(port), '-o', `PreferredAuthentications=${method}`, '-o', 'PubkeyAuthentication=no', 'dave@127.0.0.1', 'echo', method], { env });
    assert.is(ok.code, 0, `${method}: ${ok.stderr}`);
    assert.is(ok.stdout, `${method}\n`);
  }
  const bad = await runProgram('sshpass', ['-e', 'ssh', ...SSH_OPTIONS, '-p', String(port), '-o', 'PubkeyAuthentication=no', '-o', 'NumberOfPasswordPrompts=1', 'dave@127.0.0.1', 'echo', 'no'], { env: { SSHPASS: 'wrong' } });
  assert.is.not(bad.code, 0);
  assert.is(bad.stdout, '');
  assert.not.match(log.join('\n'), /sesame|wrong(?! password)/);
});

test('remote port forwarding is refused at once', async () => {
  const result = await runProgram('ssh', sshArgs(['-N', '-o', 'ExitOnForwardFailure=yes', '-R', '0:127.0.0.1:9', 'eve@127.0.0.1']), { timeoutMs: 10000 });
  assert.is.not(result.code, 0);
  assert.match(result.stderr, /remote port forwarding failed/);
  assert.ok(result.ms < 8000, `took ${result.ms} ms`);
});

test('the seed API: SSHHandler subclass served with net.createServer(MySSH.streamserverHandle)', async () => {
  const Demo = createDemoHandler();
  class MySSH extends SSHHandler {
    override hostKey = getRsaKeyFile(path.join(dir, 'seed_rsa_key'));
    override telnetHandler = Demo;
    override authCallbackUsername(username: string) {
      if (!['john', 'eric', 'terry', 'graham'].includes(username)) throw new Error('Not a Python!');
    }
  }
  const listener = net.createServer(MySSH.streamserverHandle);
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const seedPort = (listener.address() as net.AddressInfo).port;
  try {
    const args = [...SSH_OPTIONS, '-o', 'PubkeyAuthentication=no', '-o', 'PasswordAuthentication=no', '-o', 'KbdInteractiveAuthentication=no', '-p', String(seedPort)];
    const ok = await runProgram('ssh', [...args, '-T', 'john@127.0.0.1', 'echo', 'spam']);
    assert.is(ok.code, 0, ok.stderr);
    assert.is(ok.stdout, 'spam\n');
    const denied = await runProgram('ssh', [...args, '-T', 'brian@127.0.0.1', 'echo', 'spam']);
    assert.is.not(denied.code, 0);
    assert.match(denied.stderr, /Permission denied/);
  } finally {
    await new Promise((resolve) => listener.close(resolve));
    await defaultServerFor(Demo).close({ timeoutMs: 1000 });
  }
});

test('connect-to-prompt over SSH is measured', async () => {
  const started = Date.now();
  const result = await runProgram('ssh', sshArgs(['-T', 'ann@127.0.0.1', 'echo', 'ready']));
  assert.is(result.stdout, 'ready\n');
  console.log(`    ssh connect + auth + exec round trip: ${Date.now() - started} ms`);
});

test.run();
