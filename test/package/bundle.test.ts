// The one-file demo runs alone from an empty directory: telnet (and SSH, where the client is
// installed) work, and its usage line names the program as it was started.
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TelnetTestClient } from '../support/telnetClient.js';
import { runProgram } from '../support/run.js';
import { testNeeding } from '../support/tools.js';

// No tool needed for most of it; testNeeding gives the hooks that say why they failed.
const test = testNeeding('package/bundle', []);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string | undefined;
let child: ChildProcess | undefined;
let port = 0;
let sshPort = 0;

test.before(async () => {
  const build = await runProgram(process.execPath, ['build.mjs'], { timeoutMs: 120_000, cwd: root });
  assert.is(build.code, 0, build.stderr);
  dir = mkdtempSync(path.join(tmpdir(), 'telnetsrv-bundle-'));
  copyFileSync(path.join(root, 'dist/telnetsrv-demo.mjs'), path.join(dir, 'telnetsrv-demo.mjs'));
  const started = Date.now();
  const server = spawn(path.join(dir, 'telnetsrv-demo.mjs'), ['--port', '0', '--ssh-port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child = server;
  [port, sshPort] = await new Promise<[number, number]>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 10_000);
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const telnet = /telnet listening on 127\.0\.0\.1:(\d+)/.exec(out);
      const ssh = /ssh listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (telnet && ssh) {
        clearTimeout(timer);
        resolve([Number(telnet[1]), Number(ssh[1])]);
      }
    });
  });
  console.log(`    bundle start-up to both listening lines: ${Date.now() - started} ms`);
});

test.after(() => {
  child?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the bundled demo runs from an empty directory: telnet echo works, the host key is made', async () => {
  const client = await TelnetTestClient.connect(port);
  try {
    await client.waitFor('Username: ');
    client.send('bundled\r\n');
    await client.waitFor('TestServer> ');
    client.send('echo from the bundle\r\n');
    await client.waitFor(/from the bundle\nTestServer> $/);
  } finally {
    client.close();
  }
  assert.ok(readdirSync(dir!).includes('demo-host-key'));
});

testNeeding('package/bundle (ssh)', ['ssh'], test)('the bundled demo serves SSH: `ssh host echo` prints the words', async () => {
  const ssh = await runProgram('ssh', [
    '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR',
    '-o', 'PubkeyAuthentication=no', '-p', String(sshPort), '-T', 'bundled@127.0.0.1', 'echo', 'over', 'ssh',
  ]);
  assert.is(ssh.code, 0, ssh.stderr);
  assert.is(ssh.stdout, 'over ssh\n');
});

test('--help names the program as it was started: the file, the bin link\'s name, npm start', async () => {
  const bundle = await runProgram(path.join(dir!, 'telnetsrv-demo.mjs'), ['--help'], { cwd: dir! });
  assert.is(bundle.code, 0, bundle.stderr);
  assert.is(bundle.stdout.split('\n')[0], 'Usage: telnetsrv-demo.mjs [options]');
  // What npm's bin link for the package looks like: node_modules/.bin/telnetsrv-demo -> the bundle.
  symlinkSync(path.join(dir!, 'telnetsrv-demo.mjs'), path.join(dir!, 'telnetsrv-demo'));
  const linked = await runProgram(path.join(dir!, 'telnetsrv-demo'), ['--help'], { cwd: dir! });
  assert.is(linked.stdout.split('\n')[0], 'Usage: telnetsrv-demo [options]');
  // Inside this repository, npm start.
  const npmStart = await runProgram('npm', ['start', '--silent', '--', '--help'], { cwd: root, timeoutMs: 60_000 });
  assert.is(npmStart.code, 0, npmStart.stderr);
  assert.is(npmStart.stdout.split('\n')[0], 'Usage: npm start -- [options]');
  // A bad flag prints the same usage line on stderr and exits 2.
  const bad = await runProgram(path.join(dir!, 'telnetsrv-demo.mjs'), ['--no-such-flag'], { cwd: dir! });
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /^Usage: telnetsrv-demo\.mjs \[options\]$/m);
});

test.run();
