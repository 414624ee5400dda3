// Fairness between sessions in the worker pool, with real worker threads: tasks taken round-robin by
// session (each session's own in order), the per-session bound on waiting tasks at its exact limit and
// one past it (the user's message, the rate-limited log line), the threads one session may hold, and
// ^C taking a session's waiting tasks out so the next session's task starts at once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TelnetHandler } from '../../src/handler.js';
import { command } from '../../src/shell/command.js';
import { workerModule } from '../../src/workers/workerModule.js';
import { WorkerPool, WorkerPoolBusy } from '../../src/workers/workerPool.js';
import { recordingLogger, startServer } from '../support/demoServer.js';
import { TelnetTestClient } from '../support/telnetClient.js';

const tasks = workerModule(import.meta.url, './fixtures/tasks', () => import('./fixtures/tasks.js'));

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A task a failed assertion may leave behind: close() rejects it, which must not end the test run. */
function kept<T>(task: Promise<T>): Promise<T> {
  task.catch(() => {});
  return task;
}

/** Sessions are told apart by identity: any object will do for the pool used directly. */
function sessions(count: number): object[] {
  return Array.from({ length: count }, () => ({}));
}

test('tasks are taken round-robin by session, each session\'s own in order; one just served goes last', async () => {
  const pool = new WorkerPool({ threads: 1, extraThreads: 0 }, recordingLogger([]));
  const [a, b, c] = sessions(3) as [object, object, object];
  const signal = new AbortController().signal;
  const order: string[] = [];
  const run = (session: object, label: string, ms: number) =>
    kept(
      pool.run(tasks, 'spin', [ms], signal, session).then(() => {
        order.push(label);
      }),
    );
  try {
    // a0 takes the one thread at once; the rest wait. A plain FIFO would run a1 a2 a3 b1 b2 c1.
    const all = [run(a, 'a0', 300), run(a, 'a1', 1), run(a, 'a2', 1), run(a, 'a3', 1), run(b, 'b1', 1), run(b, 'b2', 1), run(c, 'c1', 1)];
    assert.is(pool.running, 7);
    assert.is(pool.waiting, 6);
    await Promise.all(all);
    // b and c have not been served when a0 ends, a has: b1, c1 first, then one of each in turn.
    assert.equal(order, ['a0', 'b1', 'c1', 'a1', 'b2', 'a2', 'a3']);
    assert.is(pool.running, 0);
  } finally {
    await pool.close();
  }
});

test('maxQueuePerSession: that many tasks of one session wait, the next is refused; other sessions still queue', async () => {
  const log: string[] = [];
  const pool = new WorkerPool({ threads: 1, extraThreads: 0, maxQueue: 10, maxQueuePerSession: 3 }, recordingLogger(log));
  const [a, b] = sessions(2) as [object, object];
  const signal = new AbortController().signal;
  try {
    const taken = [kept(pool.run(tasks, 'spin', [300], signal, a))];
    for (let i = 0; i < 3; i++) taken.push(kept(pool.run(tasks, 'spin', [1], signal, a)));
    assert.is(pool.waiting, 3, 'exactly maxQueuePerSession waiting');
    const message = 'this session already has 3 tasks waiting for the worker pool; try again when they are done';
    for (let i = 0; i < 20; i++) {
      let refused: unknown;
      await pool.run(tasks, 'spin', [1], signal, a).catch((err: unknown) => (refused = err));
      assert.instance(refused, WorkerPoolBusy, 'refused, so the handler does not log it as a fault');
      assert.is((refused as Error).message, message);
    }
    assert.is(pool.waiting, 3, 'the refused tasks took no place');
    taken.push(kept(pool.run(tasks, 'spin', [1], signal, b)));
    assert.is(pool.waiting, 4, 'another session queues past the first one\'s bound');
    const lines = log.filter((line) => line.includes('refused'));
    assert.is(lines[0], "warn worker pool: a session's task refused (3 of its tasks already waiting, maxQueuePerSession)");
    assert.ok(lines.length <= 2, `rate-limited: ${lines.join('\n')}`);
    await Promise.all(taken);
    // Its tasks done, the session is taken again.
    assert.is(await pool.run(tasks, 'add', [1, 2], signal, a), 3);
  } finally {
    await pool.close();
  }
});

test('maxQueue still bounds all sessions together: at the limit and one past it', async () => {
  const log: string[] = [];
  const pool = new WorkerPool({ threads: 1, extraThreads: 0, maxQueue: 3, maxQueuePerSession: 3 }, recordingLogger(log));
  const signal = new AbortController().signal;
  try {
    const taken = sessions(4).map((session, i) => kept(pool.run(tasks, 'spin', [i === 0 ? 300 : 1], signal, session)));
    assert.is(pool.running, 4);
    assert.is(pool.waiting, 3);
    let refused: unknown;
    await pool.run(tasks, 'spin', [1], signal, {}).catch((err: unknown) => (refused = err));
    assert.is((refused as Error).message, 'the worker pool is busy (4 tasks running or waiting); try again later');
    assert.ok(log.some((line) => line === 'warn worker pool busy: a task refused (4 running or waiting)'), log.join('\n'));
    await Promise.all(taken);
  } finally {
    await pool.close();
  }
});

test('threadsPerSession: one session holds at most that many threads, another session\'s task takes the one left', async () => {
  const pool = new WorkerPool({ threads: 2 }, recordingLogger([]));
  assert.is(pool.options.threadsPerSession, 1, 'all threads but one by default');
  const [a, b] = sessions(2) as [object, object];
  const stopA = new AbortController();
  try {
    let aDone = 0;
    const long = [0, 1].map(() => kept(pool.run(tasks, 'spin', [10_000], stopA.signal, a).then(() => aDone++)));
    assert.is(pool.waiting, 1, 'a\'s second task waits though a thread is free');
    // Order, not time (a loaded machine starts a thread slowly): without the bound b would wait 10 s.
    assert.is(await pool.run(tasks, 'add', [2, 3], new AbortController().signal, b), 5);
    assert.is(aDone, 0, 'b\'s task ended while a\'s first still ran');
    assert.is(pool.waiting, 1, 'a\'s second still waiting');
    stopA.abort(new Error('done'));
    for (const task of long) await task.catch(() => {});
    assert.is(pool.running, 0);
  } finally {
    await pool.close();
  }
});

test('an aborted waiting task leaves the queue at once, rejected with the reason, while the running one goes on', async () => {
  const pool = new WorkerPool({ threads: 1, extraThreads: 0 }, recordingLogger([]));
  const [a, b] = sessions(2) as [object, object];
  const keep = new AbortController();
  const drop = new AbortController();
  try {
    const running = kept(pool.run(tasks, 'spin', [10_000], keep.signal, a));
    const waiting = [0, 1, 2].map(() => kept(pool.run(tasks, 'spin', [10_000], drop.signal, a)));
    assert.is(pool.waiting, 3);
    drop.abort(new Error('interrupted'));
    assert.is(pool.waiting, 0, 'out of the queue at once, not when their turn comes');
    for (const task of waiting) assert.is(await task.then(() => 'ran', (err: Error) => err.message), 'interrupted');
    assert.is(pool.running, 1, 'the running task goes on');
    const next = kept(pool.run(tasks, 'add', [1, 1], keep.signal, b));
    assert.is(pool.waiting, 1, 'b waits for the thread only');
    keep.abort(new Error('done'));
    await running.catch(() => {});
    assert.is(await next.catch((err: Error) => err.message), 'done');
  } finally {
    await pool.close();
  }
});

test('extraThreads: while every thread holds a long task, a waiting one gets a thread of its own, up to the extra allowed', async () => {
  const pool = new WorkerPool({ threads: 1, extraThreads: 1 }, recordingLogger([]));
  const [a, b, c] = sessions(3) as [object, object, object];
  const stop = new AbortController();
  try {
    let longDone = 0;
    const long = [a, b].map((session) => kept(pool.run(tasks, 'spin', [20_000], stop.signal, session).then(() => longDone++)));
    assert.is(pool.waiting, 1, 'b waits at first');
    // After STARVED_MS of a's task, b gets the one extra thread (generous bound for a loaded machine).
    await until(() => pool.waiting === 0, 10_000, 'b to start on an extra thread');
    assert.is(pool.running, 2);
    // One past: the extra thread is taken, so c waits for a thread to end, however long.
    let cDone = false;
    const short = kept(pool.run(tasks, 'add', [1, 2], new AbortController().signal, c).then(() => (cDone = true)));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.is(pool.waiting, 1, 'no third thread');
    assert.not.ok(cDone);
    stop.abort(new Error('done'));
    await short;
    assert.is(longDone, 0);
    for (const task of long) await task.catch(() => {});
    assert.is(pool.running, 0);
    // Back to one thread's worth: a new long task and a waiting one run one after the other at first.
    const again = new AbortController();
    const first = kept(pool.run(tasks, 'spin', [20_000], again.signal, a));
    const second = kept(pool.run(tasks, 'add', [2, 2], new AbortController().signal, b));
    assert.is(pool.waiting, 1);
    assert.is(await second, 4, 'the starved task started in time');
    again.abort(new Error('done'));
    await first.catch(() => {});
  } finally {
    await pool.close();
  }
});

class ManyHandler extends TelnetHandler {
  /** `many N MS`: N tasks of MS each at once, from this one session. */
  @command('many')
  async many(params: string[]): Promise<void> {
    const count = Number(params[0]);
    const ms = Number(params[1]);
    await Promise.all(Array.from({ length: count }, () => this.runInWorker(tasks, 'spin', ms)));
    this.writeResponse(`spun ${count}`);
  }
}

async function connect(port: number): Promise<TelnetTestClient> {
  const client = await TelnetTestClient.connect(port);
  await client.waitFor('Telnet Server> ');
  return client;
}

test('^C takes the session\'s waiting tasks out: the next session\'s task starts at once', async () => {
  const srv = await startServer(ManyHandler, { workerPool: { threads: 1, extraThreads: 0, maxQueuePerSession: 3 } });
  const [a, b] = await Promise.all([connect(srv.port), connect(srv.port)]);
  const pool = srv.server.workerPool;
  try {
    // One past the bound from one session: the user reads why, the log has no stack.
    let from = a!.screen.length;
    a!.send('many 5 10\r\n');
    await a!.waitFor('Error: this session already has 3 tasks waiting for the worker pool; try again when they are done\nTelnet Server> ', { from, timeoutMs: 15000 });
    await until(() => pool.running === 0, 15000, 'the tasks taken to end');
    assert.is(srv.log.filter((line) => line.includes('command failed')).length, 0, srv.log.join('\n'));
    // At the bound: 1 running, 3 waiting; b's task waits too, behind a's running one only.
    from = a!.screen.length;
    a!.send('many 4 20000\r\n');
    await until(() => pool.running === 4, 15000, 'a\'s four tasks');
    assert.is(pool.waiting, 3);
    const bFrom = b!.screen.length;
    b!.send('many 1 10\r\n');
    await until(() => pool.waiting === 4, 15000, 'b\'s task waiting');
    a!.send('\x03');
    await a!.waitFor('Telnet Server> ', { from, timeoutMs: 15000 });
    await b!.waitFor('spun 1\nTelnet Server> ', { from: bFrom, timeoutMs: 15000 });
    assert.not.match(a!.screen.slice(from), /spun/);
    await until(() => pool.running === 0, 15000, 'nothing left running or waiting');
    assert.is(pool.waiting, 0);
  } finally {
    for (const client of [a, b]) client?.close();
    await srv.stop();
  }
});

test.run();
