// The demo's `crunch` in the worker pool, over a real socket: the result line, ^C stopping it (the
// task really cancelled: no task running, its thread gone), the session's end aborting it, a worker's
// error as `Error: <message>`, the queue bound, and the pool made on first use and closed with the server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startDemo, type RunningServer } from '../support/demoServer.js';
import { login, type TelnetTestClient } from '../support/telnetClient.js';
import type { Server, ServerOptions } from '../../src/server.js';

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs `body` with a fresh demo server and a logged-in client, then closes both; gives the closed server back. */
async function withDemo(options: ServerOptions, body: (demo: RunningServer, client: TelnetTestClient) => Promise<void>): Promise<RunningServer> {
  const demo = await startDemo({}, options);
  const client = await login(demo.port);
  try {
    await body(demo, client);
  } finally {
    client.close();
    await demo.stop();
  }
  return demo;
}

/**
 * Starts the pool's one thread with `crunch 0`, so the next task goes straight to that idle thread:
 * the thread count falling to 0 afterwards then means the thread running the task was terminated.
 */
async function warmUp(client: TelnetTestClient, server: Server): Promise<void> {
  const from = client.screen.length;
  client.send('crunch 0\r\n');
  await client.waitFor(/crunched \d+ rounds in 0 s .*\nTestServer> $/, { from, timeoutMs: 15000 });
  assert.is(server.workerPool.threads, 1, 'one idle thread (minThreads 0, idle timeout 30 s)');
}

test('crunch 1 runs in a worker thread and prints its rounds; no thread before the first task', async () => {
  const closed = await withDemo({ workerPool: { threads: 1 } }, async (demo, client) => {
    assert.is(demo.server.workerPool.threads, 0, 'the pool starts no thread before it is used');
    const from = client.screen.length;
    client.send('crunch 1\r\n');
    await until(() => demo.server.workerPool.running === 1, 3000, 'the task to start');
    assert.is(demo.server.workerPool.threads, 1);
    await client.waitFor(/crunched (\d+) rounds in 1 s \(sha256 [0-9a-f]{16}\.\.\.\)\nTestServer> $/, { from, timeoutMs: 15000 });
    const rounds = Number(/crunched (\d+) rounds/.exec(client.screen.slice(from))![1]);
    assert.ok(rounds >= 500, `${rounds} rounds`);
    assert.is(demo.server.workerPool.running, 0);
  });
  assert.is(closed.server.workerPool.threads, 0, 'server.close() ends the threads');
});

test('^C stops crunch 30: the prompt comes back at once and the task is cancelled, its thread ended', async () => {
  await withDemo({ workerPool: { threads: 1 } }, async (demo, client) => {
    await warmUp(client, demo.server);
    client.send('crunch 30\r\n');
    await until(() => demo.server.workerPool.running === 1, 5000, 'the task to start');
    const from = client.screen.length;
    const sent = Date.now();
    client.send('\x03');
    await client.waitFor(/\^C\nTestServer> $/, { from, timeoutMs: 3000 });
    const took = Date.now() - sent;
    assert.ok(took < 2000, `prompt back after ${took} ms`);
    assert.is(demo.server.workerPool.running, 0, 'no task running');
    await until(() => demo.server.workerPool.threads === 0, 3000, 'the thread to be terminated');
    assert.not.match(client.screen.slice(from), /crunched|Error/);
    // The session goes on: a second crunch after the ^C runs and finishes.
    const again = client.screen.length;
    client.send('crunch 0\r\n');
    await client.waitFor(/crunched \d+ rounds in 0 s .*\nTestServer> $/, { from: again, timeoutMs: 15000 });
  });
});

test('^C typed in the same packet as the command still stops it; type-ahead before the ^C is dropped', async () => {
  await withDemo({ workerPool: { threads: 1 } }, async (demo, client) => {
    const from = client.screen.length;
    client.send('crunch 30\r\nlost\x03');
    await client.waitFor(/\^C\nTestServer> $/, { from, timeoutMs: 5000 });
    assert.is(demo.server.workerPool.running, 0);
    client.send('echo kept\r\n');
    await client.waitFor(/echo kept\nkept\nTestServer> $/, { from });
    assert.not.match(client.screen.slice(from), /lost/);
  });
});

test('the session ending aborts its task', async () => {
  await withDemo({ workerPool: { threads: 1 } }, async (demo, client) => {
    await warmUp(client, demo.server);
    client.send('crunch 30\r\n');
    await until(() => demo.server.workerPool.running === 1, 5000, 'the task to start');
    client.close();
    await until(() => demo.server.workerPool.running === 0 && demo.server.workerPool.threads === 0, 3000, 'the task to be aborted');
  });
});

test('crunch refuses what is not a number of seconds from 0 to 60, at the bound and one past it', async () => {
  await withDemo({}, async (demo, client) => {
    for (const bad of ['crunch', 'crunch 61', 'crunch -1', 'crunch x', 'crunch 1 2', 'crunch ""']) {
      const from = client.screen.length;
      client.send(`${bad}\r\n`);
      await client.waitFor(/Need a number of seconds from 0 to 60\nTestServer> $/, { from });
    }
    assert.is(demo.server.workerPool.threads, 0, 'refused without starting a thread');
  });
});

test('help crunch shows its help text', async () => {
  await withDemo({}, async (demo, client) => {
    const from = client.screen.length;
    client.send('help crunch\r\n');
    await client.waitFor(/CRUNCH <seconds>\n\nHashes in a loop for <seconds> \(at most 60\)/, { from });
    client.send('help\r\n');
    await client.waitFor(/CRUNCH <seconds> - Burn CPU for <seconds> in a worker thread\./, { from });
  });
});

test.run();
