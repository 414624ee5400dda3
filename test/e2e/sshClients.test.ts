// SSH against real clients: OpenSSH (connection sharing, -T with a here-doc, exec streams and
// statuses, `exit`) and PuTTY's plink, each logging in with the default algorithms.
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { Server } from '../../src/server.js';
import { startSshDemo } from '../support/sshDemoServer.js';
import { runExpect, runProgram } from '../support/run.js';
import { testNeeding } from '../support/tools.js';

const test = testNeeding('e2e/sshClients', ['ssh', 'sshpass', 'expect', 'plink'], uvuTest);

const dir = mkdtempSync(path.join(tmpdir(), 'telnetsrv-sshclients-'));
const clientKey = path.join(dir, 'id_ed25519');
const log: string[] = [];
let server: Server;
let port = 0;

const SSH_OPTIONS = ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=5'];
const ssh = (...args: string[]) => [...SSH_OPTIONS, '-o', 'BatchMode=yes', '-p', String(port), '-i', clientKey, ...args];

test.before(async () => {
  ({ server, port } = await startSshDemo({ dir, clientKey, password: 'pw', log }));
});

test.after(async () => {
  await server.close({ timeoutMs: 2000 });
  rmSync(dir, { recursive: true, force: true });
});

test("OpenSSH exec: `ssh host 'echo a'` prints a, status 0; `ssh host nosuch 2>/dev/null` prints nothing, status 1", async () => {
  const ok = await runProgram('ssh', ssh('ann@127.0.0.1', 'echo a'));
  assert.is(ok.code, 0, ok.stderr);
  assert.is(ok.stdout, 'a\n');
  assert.is(ok.stderr, '');
  const bad = await runProgram('ssh', ssh('ann@127.0.0.1', 'nosuch'));
  assert.is(bad.code, 1);
  assert.is(bad.stdout, '', 'nothing on stdout');
  assert.is(bad.stderr, "Unknown command 'NOSUCH'\n", 'the error on stderr, without colour');
  const info = await runProgram('ssh', ssh('ann@127.0.0.1', 'info'));
  assert.is(info.stdout.split('\n')[0], 'Username: ann, terminal type: dumb', 'the user is known in exec');
});

test('OpenSSH -T with a here-doc: one command per line, errors on stderr, status 0 at the end of input', async () => {
  const result = await runProgram('ssh', ssh('-T', 'bea@127.0.0.1'), { input: 'echo a\nnosuch\necho "b c"\nparams 1 "2 3"\n' });
  assert.is(result.code, 0, result.stderr);
  const connection = /#(\d+), you have logged in (\d+) time/.exec(result.stdout);
  assert.ok(connection, result.stdout);
  assert.is(
    result.stdout,
    `You have connected to the test server.\nHello bea!\nYou are connection #${connection[1]}, you have logged in ${connection[2]} time(s).\na\nb c\nparams == ["1","2 3"]\nGoodbye\n`,
  );
  assert.is(result.stderr, "Unknown command 'NOSUCH'\n");
});

test('OpenSSH with a pty: welcome before sessionStart, the user known; `exit` gives status 0', async () => {
  const script = `
    set timeout 8
    spawn ssh -tt ${ssh().join(' ')} cleo@127.0.0.1
    expect "TestServer> " {} timeout { exit 11 }
    send "exit\\r"
    expect "Goodbye" {} timeout { exit 12 }
    expect eof {} timeout { exit 13 }
    set result [wait]
    exit [lindex $result 3]
  `;
  const { code, output } = await runExpect(script);
  assert.is(code, 0, output);
  assert.match(output, /You have connected to the test server\.\r\nHello cleo!\r\nYou are connection #\d+/);
});

test('OpenSSH connection sharing (ControlMaster): two commands at once over one connection', async () => {
  const control = path.join(dir, 'cm');
  const master = spawn('ssh', ssh('-M', '-S', control, '-N', 'dan@127.0.0.1'), { stdio: 'ignore' });
  try {
    let ready = false;
    for (let i = 0; i < 50 && !ready; i++) {
      ready = (await runProgram('ssh', ['-S', control, '-O', 'check', 'dan@127.0.0.1'])).code === 0;
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(ready, 'the master is up');
    const before = log.length;
    const [one, two] = await Promise.all([
      runProgram('ssh', ssh('-S', control, 'dan@127.0.0.1', 'echo one')),
      runProgram('ssh', ssh('-S', control, 'dan@127.0.0.1', 'echo two')),
    ]);
    assert.is(one.code, 0, one.stderr);
    assert.is(two.code, 0, two.stderr);
    assert.is(one.stdout, 'one\n');
    assert.is(two.stdout, 'two\n');
    const started = log.slice(before).filter((line) => line.includes('session started for "dan"'));
    assert.is(started.length, 2, started.join('\n'));
    const addresses = new Set(started.map((line) => /\[s\d+ ([^\]]+)\]/.exec(line)?.[1]));
    assert.is(addresses.size, 1, `both sessions on one connection: ${[...addresses].join(', ')}`);
    // A third after the first two have ended: the shared connection is still there.
    const three = await runProgram('ssh', ssh('-S', control, 'dan@127.0.0.1', 'echo three'));
    assert.is(three.stdout, 'three\n');
  } finally {
    await runProgram('ssh', ['-S', control, '-O', 'exit', 'dan@127.0.0.1']);
    master.kill();
  }
});

test('PuTTY plink logs in with keyboard-interactive under the default algorithms; exec status comes back', async () => {
  const fingerprint = (await runProgram('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(dir, 'host_key')])).stdout.split(' ')[1]!;
  const plink = (command: string) =>
    runProgram('plink', ['-ssh', '-batch', '-hostkey', fingerprint, '-P', String(port), '-l', 'pat', '-pw', 'pw', '127.0.0.1', command]);
  const ok = await plink('echo from plink');
  assert.is(ok.code, 0, ok.stderr);
  assert.is(ok.stdout, 'from plink\n');
  const bad = await plink('nosuch');
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /Unknown command 'NOSUCH'/);
});

test('OpenSSH password and keyboard-interactive logins (sshpass)', async () => {
  for (const method of ['password', 'keyboard-interactive']) {
    const result = await runProgram(
      'sshpass',
      ['-e', 'ssh', ...SSH_OPTIONS, '-p', String(port), '-o', `PreferredAuthentications=${method}`, '-o', 'PubkeyAuthentication=no', 'eve@127.0.0.1', 'echo', method],
      { env: { SSHPASS: 'pw' } },
    );
    assert.is(result.code, 0, `${method}: ${result.stderr}`);
    assert.is(result.stdout, `${method}\n`);
  }
});

test.run();
