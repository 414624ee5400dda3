// The one-file demo runs alone; the packed package installs and type-checks a user's handler.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TelnetTestClient } from '../support/telnetClient.js';
import { runProgram } from '../support/run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('the bundled demo runs from an empty directory: telnet echo works', async () => {
  const build = await runProgram(process.execPath, ['build.mjs'], { timeoutMs: 120_000, cwd: root });
  assert.is(build.code, 0, build.stderr);
  const dir = mkdtempSync(path.join(tmpdir(), 'telnetsrv-bundle-'));
  copyFileSync(path.join(root, 'dist/telnetsrv-demo.mjs'), path.join(dir, 'telnetsrv-demo.mjs'));
  const child = spawn(path.join(dir, 'telnetsrv-demo.mjs'), ['--port', '0', '--ssh-port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const started = Date.now();
    const [port, sshPort] = await new Promise<[number, number]>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 10_000);
      child.stdout.on('data', (chunk: Buffer) => {
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
    const client = await TelnetTestClient.connect(port);
    await client.waitFor('Username: ');
    client.send('bundled\r\n');
    await client.waitFor('TestServer> ');
    client.send('echo from the bundle\r\n');
    await client.waitFor(/from the bundle\nTestServer> $/);
    client.close();
    assert.ok(readdirSync(dir).includes('demo-host-key'));
    const ssh = await runProgram('ssh', [
      '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR',
      '-o', 'PubkeyAuthentication=no', '-p', String(sshPort), '-T', 'bundled@127.0.0.1', 'echo', 'over', 'ssh',
    ]);
    assert.is(ssh.code, 0, ssh.stderr);
    assert.is(ssh.stdout, 'over ssh\n');
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('npm pack: the tarball installs into an empty project and its types compile a strict handler', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'telnetsrv-pack-'));
  try {
    const pack = await runProgram('npm', ['pack', '--pack-destination', dir, '--silent'], { timeoutMs: 180_000, cwd: root });
    assert.is(pack.code, 0, pack.stderr);
    const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
    assert.ok(tarball, 'a tarball was written');
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
    const install = await runProgram('npm', ['install', `./${tarball}`, '@types/node@20', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline'], { timeoutMs: 180_000, cwd: dir });
    assert.is(install.code, 0, install.stderr);
    writeFileSync(
      path.join(dir, 'handler.ts'),
      `import { TelnetHandler, command, createServer } from 'telnetsrv';
class MyHandler extends TelnetHandler {
  override welcome = 'Welcome to my server.';
  @command(['echo', 'copy'], { help: '<text>\\nEcho text back.' })
  echo(params: string[]): void {
    this.writeResponse(params.join(' '));
  }
}
const server = createServer(MyHandler);
export const listening: Promise<{ host: string; port: number }> = server.listenTelnet({ port: 0 });
`,
    );
    // The edited-login example too, importing the package: the chart edit type-checks for users.
    const example = readFileSync(path.join(root, 'examples/oneTimeCode.ts'), 'utf8').replace("'../src/index.js'", "'telnetsrv'");
    writeFileSync(path.join(dir, 'oneTimeCode.ts'), example);
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true, skipLibCheck: false, types: ['node'] }, files: ['handler.ts', 'oneTimeCode.ts'] }),
    );
    const check = await runProgram(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { timeoutMs: 120_000 });
    assert.is(check.code, 0, check.stdout + check.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
