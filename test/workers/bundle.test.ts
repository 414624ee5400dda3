// The one-file demo with its worker files beside it (build.mjs): `crunch` runs in a worker thread of
// the bundle, started from an empty directory; copied alone, the bundle still runs it, inline.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { login } from '../support/telnetClient.js';
import { runProgram } from '../support/run.js';
import { waitForOutput } from '../support/processOutput.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function startBundle(file: string, cwd: string): Promise<{ child: ChildProcess; port: number; stderr: () => string }> {
  const child = spawn(process.execPath, [file, '--port', '0', '--no-ssh'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = Number((await waitForOutput(child, /telnet listening on 127\.0\.0\.1:(\d+)/, 10_000))[1]);
  return { child, port, stderr: () => stderr };
}

test('built: the bundle, the pool worker entry and the crunch module, side by side', async () => {
  const build = await runProgram(process.execPath, ['build.mjs'], { timeoutMs: 180_000, cwd: root });
  assert.is(build.code, 0, build.stderr);
  for (const file of ['telnetsrv-demo.mjs', 'telnetsrv-pool-worker.mjs', 'crunchTask.mjs']) assert.ok(existsSync(path.join(root, 'dist', file)), file);
});

test('node dist/telnetsrv-demo.mjs from an empty directory: crunch 1 runs in a worker while another session echoes', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'telnetsrv-workers-'));
  const { child, port, stderr } = await startBundle(path.join(root, 'dist/telnetsrv-demo.mjs'), dir);
  try {
    const [cruncher, other] = await Promise.all([login(port, 'cruncher'), login(port, 'other')]);
    const from = cruncher.screen.length;
    cruncher.send('crunch 1\r\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The loop is free while the worker crunches: the other session answers long before the second is up.
    const sent = Date.now();
    const echoFrom = other.screen.length;
    other.send('echo meanwhile\r\n');
    await other.waitFor('meanwhile\nTestServer> ', { from: echoFrom });
    const echoMs = Date.now() - sent;
    await cruncher.waitFor(/crunched (\d+) rounds in 1 s \(sha256 [0-9a-f]{16}\.\.\.\)\nTestServer> $/, { from, timeoutMs: 15_000 });
    assert.ok(echoMs < 600, `echo took ${echoMs} ms while crunching`);
    assert.not.match(stderr(), /inline/, stderr());
    // ^C stops a long one in the bundle too.
    const abortFrom = cruncher.screen.length;
    cruncher.send('crunch 30\r\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    cruncher.send('\x03');
    await cruncher.waitFor(/\^C\nTestServer> $/, { from: abortFrom, timeoutMs: 3000 });
    cruncher.close();
    other.close();
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the bundle copied alone still runs crunch, inline, and says so in its log', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'telnetsrv-alone-'));
  copyFileSync(path.join(root, 'dist/telnetsrv-demo.mjs'), path.join(dir, 'telnetsrv-demo.mjs'));
  const { child, port, stderr } = await startBundle(path.join(dir, 'telnetsrv-demo.mjs'), dir);
  try {
    const client = await login(port, 'alone');
    const from = client.screen.length;
    client.send('crunch 0\r\n');
    await client.waitFor(/crunched \d+ rounds in 0 s .*\nTestServer> $/, { from, timeoutMs: 15_000 });
    assert.match(stderr(), /worker tasks run inline, holding every session while they run: file:\/\/.*crunchTask\.mjs not found/);
    client.close();
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
