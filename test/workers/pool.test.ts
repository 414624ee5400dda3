// The worker pool through a handler of its own: typed calls, errors from the worker, the queue bound
// at its exact limit and one past it, the inline fallback where no worker can start, and close().
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TelnetHandler } from '../../src/handler.js';
import { command } from '../../src/shell/command.js';
import { workerModule } from '../../src/workers/workerModule.js';
import { WorkerPool } from '../../src/workers/workerPool.js';
import { recordingLogger, startServer } from '../support/demoServer.js';
import { TelnetTestClient } from '../support/telnetClient.js';

/** The handler has no login: connect and wait for the prompt. */
async function connect(port: number): Promise<TelnetTestClient> {
  const client = await TelnetTestClient.connect(port);
  await client.waitFor('Telnet Server> ');
  return client;
}

const tasks = workerModule(import.meta.url, './fixtures/tasks', () => import('./fixtures/tasks.js'));

class PoolHandler extends TelnetHandler {
  @command('add')
  async add(params: string[]): Promise<void> {
    const sum: number = await this.runInWorker(tasks, 'add', Number(params[0]), Number(params[1]));
    this.writeResponse(`sum ${sum}`);
  }

  @command('describe')
  async describe(): Promise<void> {
    this.writeResponse(await this.runInWorker(tasks, 'describe', { name: 'box', tags: ['a', 'b'] }));
  }

  @command('fail')
  async fail(params: string[]): Promise<void> {
    await this.runInWorker(tasks, 'fail', params[0] ?? 'no message');
  }

  @command('spin')
  async spin(params: string[]): Promise<void> {
    await this.runInWorker(tasks, 'spin', Number(params[0]));
    this.writeResponse('spun');
  }
}

/** Never called: each line must be a type error, which `npm run typecheck` (tsc over test/) checks. */
export function typeErrors(handler: PoolHandler): void {
  // @ts-expect-error a string where the function takes a number
  void handler.runInWorker(tasks, 'add', '1', 2);
  // @ts-expect-error one argument missing
  void handler.runInWorker(tasks, 'add', 1);
  // @ts-expect-error no export of that name
  void handler.runInWorker(tasks, 'subtract', 1, 2);
  // @ts-expect-error an export that is not a function
  void handler.runInWorker(tasks, 'notAFunction');
  // @ts-expect-error the result is a string, not a number
  const wrong: Promise<number> = handler.runInWorker(tasks, 'later', 1, 'x');
  void wrong;
}

test('arguments and results cross to the worker and back (structured clone)', async () => {
  const srv = await startServer(PoolHandler, { workerPool: { threads: 1 } });
  const client = await connect(srv.port);
  try {
    const from = client.screen.length;
    client.send('add 2 40\r\n');
    await client.waitFor('sum 42\nTelnet Server> ', { from, timeoutMs: 15000 });
    client.send('describe\r\n');
    await client.waitFor('box: a, b\nTelnet Server> ', { from, timeoutMs: 15000 });
  } finally {
    client.close();
    await srv.stop();
  }
});

test('an error thrown in the worker reaches the user as Error: <message>, its stack the server log', async () => {
  const srv = await startServer(PoolHandler, { workerPool: { threads: 1 } });
  const client = await connect(srv.port);
  try {
    const from = client.screen.length;
    client.send('fail disk-on-fire\r\n');
    await client.waitFor('Error: disk-on-fire\nTelnet Server> ', { from, timeoutMs: 15000 });
    assert.not.match(client.screen.slice(from), /tasks\.ts|at /, 'no stack for the user');
    const logged = srv.log.find((line) => line.includes('command failed'));
    assert.ok(logged, srv.log.join('\n'));
    assert.match(logged, /Error: disk-on-fire\n\s+at fail \(.*fixtures\/tasks\.ts/);
  } finally {
    client.close();
    await srv.stop();
  }
});

test('the queue is bounded: threads + maxQueue tasks are taken, the next one is refused with a clear error', async () => {
  const srv = await startServer(PoolHandler, { workerPool: { threads: 1, maxQueue: 1, extraThreads: 0 } });
  const [a, b, c] = await Promise.all([1, 2, 3].map(() => connect(srv.port)));
  try {
    a!.send('spin 2000\r\n');
    b!.send('spin 10\r\n');
    const deadline = Date.now() + 5000;
    while (srv.server.workerPool.running < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.is(srv.server.workerPool.running, 2, 'the running task and one waiting');
    const from = c!.screen.length;
    c!.send('spin 10\r\n');
    await c!.waitFor('Error: the worker pool is busy (2 tasks running or waiting); try again later\nTelnet Server> ', { from });
    assert.is(srv.server.workerPool.running, 2, 'the refused task took no place');
    // Refused again and again (a paste of the command): each user is told, the log has one line a
    // second and no stack (a refusal is no fault of the command).
    for (let i = 0; i < 20; i++) {
      const at = c!.screen.length;
      c!.send('spin 10\r\n');
      await c!.waitFor('Error: the worker pool is busy (2 tasks running or waiting); try again later\nTelnet Server> ', { from: at });
    }
    assert.is(srv.log.filter((line) => line.includes('command failed')).length, 0, srv.log.join('\n'));
    const refusals = srv.log.filter((line) => line.includes('worker pool busy'));
    assert.ok(refusals.length >= 1 && refusals.length <= 3, refusals.join('\n'));
    assert.match(refusals[0]!, /^warn worker pool busy: a task refused \(2 running or waiting\)$/);
    await a!.waitFor('spun', { timeoutMs: 15000 });
    await b!.waitFor('spun', { timeoutMs: 15000 });
    const again = c!.screen.length;
    c!.send('spin 10\r\n');
    await c!.waitFor('spun\nTelnet Server> ', { from: again, timeoutMs: 15000 });
  } finally {
    for (const client of [a, b, c]) client?.close();
    await srv.stop();
  }
});

test('without a module file (a CommonJS bundle) the function runs inline, with one warning', async () => {
  const log: string[] = [];
  const pool = new WorkerPool({ threads: 1 }, recordingLogger(log));
  const inline = workerModule(undefined, './fixtures/tasks', () => import('./fixtures/tasks.js'));
  assert.is(inline.filename, null);
  const signal = new AbortController().signal;
  assert.is(await pool.run(inline, 'add', [1, 2], signal), 3);
  assert.is(await pool.run(inline, 'later', [1, 'x'], signal), 'x');
  assert.is(pool.threads, 0, 'no thread started');
  assert.is(log.filter((line) => line.includes('run inline')).length, 1, log.join('\n'));
  // A bundle copied without its worker files: the module file is missing.
  const missing = workerModule(import.meta.url, './fixtures/notThere', () => import('./fixtures/tasks.js'));
  assert.is(await pool.run(missing, 'add', [2, 2], signal), 4);
  assert.is(pool.threads, 0, 'no thread started');
  await pool.close();
});

test('workerModule finds the module beside the caller with the caller\'s own extension', () => {
  const load = () => Promise.resolve({});
  assert.is(workerModule('file:///app/src/demo/handler.ts', './task', load).filename, 'file:///app/src/demo/task.ts');
  assert.is(workerModule('file:///app/dist/lib/demo/handler.js', './task', load).filename, 'file:///app/dist/lib/demo/task.js');
  assert.is(workerModule('file:///app/dist/telnetsrv-demo.mjs', './task', load).filename, 'file:///app/dist/task.mjs');
  assert.is(workerModule('file:///app/x.cjs', '../lib/task', load).filename, 'file:///lib/task.cjs');
  assert.is(workerModule(undefined, './task', load).filename, null);
});

test('an aborted signal refuses before starting; close() ends the threads and refuses new tasks', async () => {
  const pool = new WorkerPool({ threads: 1 }, recordingLogger([]));
  const aborted = new AbortController();
  aborted.abort(new Error('gone'));
  let reason: unknown;
  await pool.run(tasks, 'add', [1, 2], aborted.signal).catch((err: unknown) => (reason = err));
  assert.is((reason as Error).message, 'gone');
  assert.is(pool.threads, 0);
  const live = new AbortController().signal;
  assert.is(await pool.run(tasks, 'add', [1, 2], live), 3);
  assert.is(pool.threads, 1);
  const running = pool.run(tasks, 'spin', [5000], live).then(
    () => 'finished',
    () => 'rejected',
  );
  await pool.close();
  assert.is(await running, 'rejected');
  assert.is(pool.threads, 0);
  let refused: unknown;
  await pool.run(tasks, 'add', [1, 2], live).catch((err: unknown) => (refused = err));
  assert.match(String(refused), /shutting down/);
});

test('the threads run reniced (Linux): CPU work yields to the event loop', async () => {
  if (!existsSync('/proc/thread-self')) return; // not Linux: nice is ignored there
  const pool = new WorkerPool({ threads: 1, nice: 7 }, recordingLogger([]));
  const niceOf = (tid: string | number) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  };
  const niceOfThreads = () => readdirSync('/proc/self/task').map(niceOf);
  assert.not.ok(niceOfThreads().includes(7));
  const running = pool.run(tasks, 'spin', [3000], new AbortController().signal);
  const deadline = Date.now() + 5000;
  while (!niceOfThreads().includes(7) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(niceOfThreads().includes(7), 'a thread at nice 7');
  // The main thread by its id (= the pid), not by its place in the listing: thread ids wrap around,
  // so a newer thread may list first.
  assert.is(niceOf(process.pid), 0, 'the main thread keeps its own');
  running.catch(() => {});
  await pool.close();
});

test.run();
