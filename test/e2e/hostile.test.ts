// Hostile clients and faulty user code against a server in its own process, while a well-behaved
// session runs a command loop that must not notice. After each pattern: the session count is back,
// the heap is back within a bound, and the server logged no unhandled rejection or exception.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { TelnetTestClient, login as loginAs } from '../support/telnetClient.js';
import { testNeeding } from '../support/tools.js';
import { Target, type ServerStats } from '../hostile/target.js';

/** The hostile target's prompt is its own. */
const login = (port: number, name: string, options = {}) => loginAs(port, name, { prompt: 'Target> ', ...options });

const IAC = 255, SB = 250, SE = 240, WILL = 251, WONT = 252, DO = 253, DONT = 254;
const NAWS = 31, TTYPE = 24;
const MiB = 1024 * 1024;

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 8000, why = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met in time ${why()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function run(client: TelnetTestClient, line: string): Promise<string> {
  const from = client.screen.length;
  client.send(`${line}\r\n`);
  const at = await client.waitFor('Target> ', { from: from + line.length });
  return client.screen.slice(from, at);
}

/** A session that runs `echo` in a loop the whole time and checks every answer. */
class Bystander {
  commands = 0;
  slowestMs = 0;
  failure: Error | null = null;
  #running = true;
  #done: Promise<void>;

  constructor(readonly client: TelnetTestClient) {
    this.#done = this.#loop();
  }

  async #loop(): Promise<void> {
    try {
      while (this.#running) {
        const started = Date.now();
        const answer = await run(this.client, `echo tick ${this.commands}`);
        if (answer !== `echo tick ${this.commands}\ntick ${this.commands}\n`) throw new Error(`wrong answer ${JSON.stringify(answer)}`);
        this.slowestMs = Math.max(this.slowestMs, Date.now() - started);
        this.commands++;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } catch (error) {
      this.failure = error as Error;
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#done;
  }
}

/** Registers a client the pattern opens, so it is closed even when the pattern fails half-way. */
type Opener = (client: Promise<TelnetTestClient>) => Promise<TelnetTestClient>;

let target: Target<ServerStats>;
let bystander: Bystander;
let baseline: ServerStats;
const figures: string[] = [];

/**
 * Waits until the server is back to the baseline's sessions and connections (none left starting or
 * being torn down). 1,000 connections cost seconds of CPU, and on a shared 2-core machine the server
 * may get a tenth of a core: a fixed deadline failed under load with the server still at work. So
 * this fails when the server stops making progress (its counts unchanged for 20 s) or after 3 minutes.
 */
async function settled(): Promise<void> {
  const started = Date.now();
  let left = await target.stats();
  let seen = `${left.sessions}/${left.connections}`;
  let changedAt = Date.now();
  while (left.sessions !== baseline.sessions || left.connections !== baseline.connections) {
    const now = Date.now();
    if (now - changedAt > 20_000 || now - started > 180_000) {
      throw new Error(
        `sessions left: ${left.sessions - baseline.sessions}, connections left: ${(left.connections ?? 0) - (baseline.connections ?? 0)} ` +
          `(${(left.states ?? []).join(', ')})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // each question runs a full GC in the server
    left = await target.stats();
    const counts = `${left.sessions}/${left.connections}`;
    if (counts !== seen) {
      seen = counts;
      changedAt = Date.now();
    }
  }
}

/** Runs one hostile pattern and checks the server came back to where it was. */
async function pattern(name: string, attack: (open: Opener) => Promise<void>, ...expectLog: RegExp[]): Promise<void> {
  const before = await target.stats();
  const started = Date.now();
  const opened: TelnetTestClient[] = [];
  const open: Opener = async (client) => {
    const connected = await client;
    opened.push(connected);
    return connected;
  };
  try {
    await attack(open);
  } finally {
    for (const client of opened) client.close();
  }
  await settled();
  const after = await target.stats();
  const log = (await target.log()).join('\n');
  figures.push(
    `${name.padEnd(44)} rss ${(before.rss / MiB).toFixed(1)} -> ${(after.rss / MiB).toFixed(1)} MiB, ` +
      `heap ${(before.heap / MiB).toFixed(1)} -> ${(after.heap / MiB).toFixed(1)} MiB, ${Date.now() - started} ms`,
  );
  assert.is(after.crashes, 0, `no unhandled rejection or exception:\n${log}`);
  assert.not.match(log, /unhandledRejection|uncaughtException/);
  assert.ok(after.heap - baseline.heap < 8 * MiB, `${name}: heap back within 8 MiB of the start (${figures.at(-1)})`);
  assert.ok(after.rss - baseline.rss < 96 * MiB, `${name}: RSS within 96 MiB of the start (${figures.at(-1)})`);
  for (const line of expectLog) assert.match(log, line, `${name}: a line in the server log matching ${line}:\n${log}`);
  assert.is(bystander.failure, null, `the bystander noticed: ${bystander.failure?.message}`);
}

test.before(async () => {
  target = await Target.start<ServerStats>({ script: fileURLToPath(new URL('../support/hostileServer.ts', import.meta.url)) });
  bystander = new Bystander(await login(target.port, 'bystander'));
  await waitUntil(() => bystander.commands > 3);
  baseline = await target.stats();
});

test.after(async () => {
  await bystander.stop();
  bystander.client.close();
  await target?.stop();
  console.log(`\nhostile patterns (server process, after a full GC):\n${figures.join('\n')}`);
  console.log(`bystander: ${bystander.commands} commands, slowest ${bystander.slowestMs} ms`);
});

test('a 10 MiB line without newline: refused, input up to the next newline dropped, session usable', async () => {
  await pattern(
    '10 MiB line',
    async (open) => {
      const client = await open(login(target.port, 'longline'));
      const chunk = Buffer.alloc(MiB, 'x');
      for (let i = 0; i < 10; i++) client.send(chunk);
      await client.waitFor('Line too long', { timeoutMs: 10_000 });
      client.send('\r\n');
      assert.is(await run(client, 'echo ok'), 'echo ok\nok\n');
      client.close();
    },
    /line over|too long/i,
  );
});

test('a subnegotiation that never ends (10 MiB) is skipped, never buffered', async () => {
  await pattern(
    'endless SB',
    async (open) => {
      const client = await open(login(target.port, 'sb'));
      client.sendRaw([IAC, SB, TTYPE]);
      const chunk = Buffer.alloc(MiB, 0x41);
      for (let i = 0; i < 10; i++) client.send(chunk);
      client.sendRaw([IAC, SE]);
      assert.is(await run(client, 'echo after'), 'echo after\nafter\n');
      client.close();
    },
    /subnegotiation/i,
  );
});

test('100,000 negotiation requests flip-flopping one option: replies never outnumber requests', async () => {
  await pattern('100k flip-flop + 100k repeats', async (open) => {
    const client = await open(TelnetTestClient.connect(target.port, { negotiate: false }));
    await client.waitFor('Username: ');
    const asked = client.negotiation.length;
    const flips: number[] = [];
    for (let i = 0; i < 50_000; i++) flips.push(IAC, WILL, NAWS, IAC, WONT, NAWS);
    client.sendRaw(flips);
    const repeats: number[] = [];
    for (let i = 0; i < 100_000; i++) repeats.push(IAC, DO, 1);
    client.sendRaw(repeats);
    client.send('flipper\r\n');
    await client.waitFor('Target> ', { timeoutMs: 10_000 });
    const replies = client.negotiation.length - asked;
    // RFC 1143 answers each real change once and a repeat not at all; past a budget flips go unanswered.
    assert.ok(replies <= 70, `${replies} replies`);
    assert.is(await run(client, 'echo negotiated'), 'echo negotiated\nnegotiated\n');
  }, /further negotiation from this peer is ignored/);
});

test('every byte after IAC, and IAC IAC inside NAWS: tolerated, the size read right', async () => {
  await pattern('every IAC command + IAC in NAWS', async (open) => {
    const client = await open(login(target.port, 'iac'));
    const bytes: number[] = [];
    for (let command = 0; command < 256; command++) {
      if (command === SB || command === IAC) continue;
      bytes.push(IAC, command);
      if (command >= WILL && command <= DONT) bytes.push(200);
    }
    client.sendRaw(bytes);
    // IP and BRK are ^C: each abandons the (empty) line with "^C ABORT" and a new prompt.
    await client.waitFor(/ABORT\nTarget> [^]*ABORT\nTarget> /);
    client.sendRaw([IAC, SB, NAWS, 0, IAC, IAC, 0, IAC, IAC, IAC, SE]);
    client.sendRaw([IAC, SB, 99, 1, 2, 3, IAC, SE]);
    assert.match(await run(client, 'size'), /255x255/);
    assert.is(await run(client, 'echo alive'), 'echo alive\nalive\n');
  });
});

test('NEW-ENVIRON USER offered unasked is refused and never becomes the identity', async () => {
  await pattern('NEW-ENVIRON USER=root', async (open) => {
    const client = await open(TelnetTestClient.connect(target.port));
    const NEW_ENVIRON = 39, IS = 0, VAR = 0, VALUE = 1;
    client.sendRaw([IAC, WILL, NEW_ENVIRON]);
    client.sendRaw([IAC, SB, NEW_ENVIRON, IS, VAR, ...Buffer.from('USER'), VALUE, ...Buffer.from('root'), IAC, SE]);
    await client.waitFor('Username: ');
    client.send('mallory\r\n');
    await client.waitFor('Target> ');
    assert.ok(client.negotiation.some(([verb, option]) => verb === DONT && option === NEW_ENVIRON), 'DONT NEW-ENVIRON');
    assert.is(await run(client, 'whoami'), 'whoami\nmallory\n');
  });
});

test('a client that never reads while the server writes a lot is dropped at the output cap', async () => {
  await pattern(
    'never reads, server floods',
    async (open) => {
      const client = await open(login(target.port, 'sleeper'));
      client.pause();
      client.send('flood\r\n');
      // A paused client cannot see its socket close: wait for the server to end the session.
      await waitUntil(async () => (await target.stats()).sessions === baseline.sessions, 10_000);
    },
    /not reading: dropped/,
  );
});

test('a client that connects and sends nothing is cut at the login timeout', async () => {
  await pattern(
    'silent client',
    async (open) => {
      const client = await open(TelnetTestClient.connect(target.port, { negotiate: false }));
      await client.waitForClose(5000);
    },
    /login timeout|timed out/i,
  );
});

test('1,000 connections opened and dropped at once', async () => {
  await pattern('1,000 connects dropped', async () => {
    const sockets = await Promise.all(
      Array.from(
        { length: 1000 },
        (_, i) =>
          new Promise<net.Socket>((resolve, reject) => {
            const socket = net.connect(target.port, '127.0.0.1', () => resolve(socket));
            socket.on('error', () => {});
            socket.once('error', reject);
            if (i % 2) socket.on('data', () => socket.destroy());
          }),
      ),
    );
    for (const socket of sockets) socket.destroy();
  });
});

/** Opens a raw TCP connection, sends `bytes`, and resolves once the server has closed it. */
function closedByServer(port: number, bytes: Buffer | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      if (bytes) socket.write(bytes);
    });
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => resolve());
    setTimeout(() => reject(new Error('the server left the connection open')), 8000).unref();
  });
}

testNeeding('e2e/hostile (ssh -N)', ['ssh'], test)('SSH: garbage after the banner, silent connections, a client that never asks for a shell', async () => {
  await pattern('SSH garbage, silence, no shell', async () => {
    let seed = 11;
    const noise = Buffer.from(Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 255));
    const hostile = Array.from({ length: 200 }, (_, i) =>
      closedByServer(target.sshPort, i % 2 ? Buffer.concat([Buffer.from('SSH-2.0-fuzz\r\n'), noise]) : null),
    );
    // A version line and then nothing: the login deadline still runs out.
    hostile.push(closedByServer(target.sshPort, Buffer.from('SSH-2.0-slowloris\r\n')));
    // `ssh -N` logs in and asks for nothing: the channel timeout (1 s here) must end it.
    const started = Date.now();
    const noShell = new Promise<void>((resolve) => {
      execFile(
        'ssh',
        ['-N', '-p', String(target.sshPort), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', 'idler@127.0.0.1'],
        { timeout: 8000 },
        () => resolve(),
      );
    });
    await Promise.all([...hostile, noShell]);
    assert.ok(Date.now() - started < 6000, 'ssh -N was disconnected by the channel timeout');
  }, /no shell or exec requested in time/, /no SSH version line in time/, /no login in time/);
});

test('disconnect during authCallback, during a command and during readLine', async () => {
  await pattern('disconnects mid-flight', async (open) => {
    const authing = await open(TelnetTestClient.connect(target.port));
    await authing.waitFor('Username: ');
    authing.send('slowpoke\r\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    authing.close();

    const hanging = await open(login(target.port, 'hanging'));
    hanging.send('hang\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    hanging.close();

    const reading = await open(login(target.port, 'reading'));
    reading.send('ask\r\n');
    await reading.waitFor('Say: ');
    reading.close();
    await new Promise((resolve) => setTimeout(resolve, 500)); // the slow authCallback settles after its socket went
  });
});

test('faults in user code: throw, reject, non-Error throws, sessionEnd throwing: logged, others go on', async () => {
  await pattern(
    'faulty user code',
    async (open) => {
      const client = await open(login(target.port, 'endthrower'));
      assert.is(await run(client, 'reject'), 'reject\nError: rejected on purpose\n');
      assert.is(await run(client, 'throwstr'), 'throwstr\nError: 42\n');
      assert.is(await run(client, 'echo still'), 'echo still\nstill\n');
      client.send('exit\r\n');
      await client.waitForClose();

      const thrower = await open(TelnetTestClient.connect(target.port));
      await thrower.waitFor('Username: ');
      thrower.send('thrower\r\n');
      await thrower.waitFor('Login failed');
    },
    /error .*sessionEnd failed\nError: sessionEnd failed on purpose/,
    /command failed[^]*rejected on purpose/,
    /login failed for user "thrower"/,
  );
});

test('a command that never resolves: the session can still be closed, sessionEnd runs', async () => {
  await pattern(
    'never-resolving command + exit by server',
    async (open) => {
      const client = await open(login(target.port, 'stuck'));
      client.send('hang\r\n');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(await target.kick('stuck'), 'the server found the session');
      await client.waitForClose();
    },
    /session ended/,
  );
});

test.run();
