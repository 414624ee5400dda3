// The demo's start-up errors: an operational one (a host key it cannot use, Redis it cannot reach) is
// one line and exit status 1, nothing said to be listening; usage only for a bad command line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runProgram } from '../support/run.js';
import { freePort } from '../scale/support.js';

const demo = (args: string[]) => runProgram(process.execPath, ['--import', 'tsx', 'src/demo/main.ts', '--port', '0', ...args], { timeoutMs: 30_000 });

test('a host key it cannot read: one line naming the file, exit 1, no listening line, no usage', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'demo-startup-'));
  try {
    const key = path.join(dir, 'host_key');
    writeFileSync(key, 'not a key\n');
    const run = await demo(['--ssh-port', '0', '--host-key', key]);
    assert.is(run.code, 1, run.stderr);
    assert.is(run.stdout, '', 'nothing claimed to listen');
    assert.match(run.stderr, new RegExp(`^main\\.ts: SSH host key ${key.replace(/[.\\/]/g, '\\$&')} is not a private key ssh2 can read .*\\n$`));
    assert.not.match(run.stderr, /Usage:/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Redis not reachable: one line saying so, exit 1, no usage', async () => {
  const port = await freePort();
  const run = await demo(['--no-ssh', '--redis', `redis://127.0.0.1:${port}`]);
  assert.is(run.code, 1, run.stderr);
  assert.is(run.stdout, '');
  // (The Redis client's own warnings may come first; the last line says why the program stopped.)
  assert.match(run.stderr, new RegExp(`\\nmain\\.ts: cannot join other processes through Redis at redis://127\\.0\\.0\\.1:${port}: .+\\n$`));
  assert.not.match(run.stderr, /Usage:/);
});

test('a bad command line: the error and the usage, exit 2', async () => {
  for (const args of [['--port', 'x'], ['--nosuch']]) {
    const run = await demo(args);
    assert.is(run.code, 2, run.stderr);
    assert.match(run.stderr, /\nUsage: /);
    assert.is(run.stdout, '');
  }
});

test.run();
