// The per-session budgets of DEFAULT_LIMITS at their exact boundary and one past it: timers, pending
// readLines, message length, the demo's timer caps; and the input pacer's slices.
import { test } from 'uvu';
import net from 'node:net';
import { TelnetTransport } from '../../src/transports/telnet.js';
import * as assert from 'uvu/assert';
import { TelnetHandler } from '../../src/handler.js';
import { command } from '../../src/shell/command.js';
import { DEFAULT_LIMITS } from '../../src/server.js';
import { InputPacer, nextTurn, PROCESS_INPUT_MS_PER_TURN } from '../../src/transports/inputPacer.js';
import { MAX_PENDING_TIMERS, MAX_TIMER_MESSAGE, MAX_TIMER_SECONDS } from '../../src/demo/testHandler.js';
import { startDemo, startServer } from '../support/demoServer.js';
import { login, TelnetTestClient } from '../support/telnetClient.js';
import { terminalEvents } from '../support/terminalEvents.js';

async function run(client: TelnetTestClient, line: string, prompt = 'TestServer> '): Promise<string> {
  const from = client.screen.length;
  client.send(`${line}\r\n`);
  const at = await client.waitFor(prompt, { from: from + line.length });
  return client.screen.slice(from + line.length + 1, at);
}

class Timers extends TelnetHandler {
  override prompt = 'T> ';
  fired = 0;

  @command('arm')
  arm([count = '1', ms = '60000']: string[]) {
    for (let i = 0; i < Number(count); i++) this.setTimeout(() => this.writeMessage('fired'), Number(ms));
    this.writeResponse('armed');
  }

  @command('nap')
  async nap() {
    await new Promise((resolve) => setTimeout(resolve, 300));
    this.writeResponse('awake');
  }

  @command('twice')
  async twice() {
    const first = this.readLine({ prompt: 'one: ' });
    const second = this.readLine({ prompt: 'two: ' });
    second.catch((error: Error) => this.writeResponse(`second: ${error.message}`));
    this.writeResponse(`first: ${await first}`);
  }
}

test('DEFAULT_LIMITS holds every budget, each a positive number', () => {
  for (const key of ['maxLineLength', 'inputBytesPerTurn', 'inputMsPerTurn', 'maxTimers', 'maxMessageLength', 'maxOutputBuffer', 'tcpKeepAliveMs', 'maxSessions', 'maxUnauthenticated', 'maxSessionsPerAddress'] as const) {
    assert.ok(DEFAULT_LIMITS[key] > 0, key);
  }
  assert.is(DEFAULT_LIMITS.maxUnauthenticated, Math.ceil(DEFAULT_LIMITS.maxSessions / 2));
  assert.is(DEFAULT_LIMITS.maxSessionsPerAddress, 32);
});

test('setTimeout: maxTimers pending are allowed, one more is an Error the user reads; a fired one frees its place', async () => {
  const srv = await startServer(Timers, { maxTimers: 3, negotiationTimeoutMs: 50 });
  const client = await TelnetTestClient.connect(srv.port);
  await client.waitFor('T> ');
  try {
    assert.is(await run(client, 'arm 2', 'T> '), 'armed\n');
    assert.is(await run(client, 'arm 1 150', 'T> '), 'armed\n');
    assert.is(await run(client, 'arm 1', 'T> '), 'Error: too many timers pending in this session (at most 3)\n');
    assert.is(await run(client, 'arm 1', 'T> '), 'Error: too many timers pending in this session (at most 3)\n');
    await client.waitFor('fired');
    assert.is(await run(client, 'arm 1', 'T> '), 'armed\n');
    assert.is(await run(client, 'arm 1', 'T> '), 'Error: too many timers pending in this session (at most 3)\n');
    assert.match(srv.log.join('\n'), /command failed[^]*too many timers/);
  } finally {
    client.close();
    await srv.stop();
  }
});

test('type-ahead past maxLineLength while a command runs: what fits runs, the user is told at the next prompt, the log has one line', async () => {
  const srv = await startServer(Timers, { maxLineLength: 20, negotiationTimeoutMs: 50 });
  const client = await TelnetTestClient.connect(srv.port);
  await client.waitFor('T> ');
  try {
    const from = client.screen.length;
    client.send('nap\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Three "arm 1" and their Enters fit in 20 (6 each); the fourth's text does not, and the rest
    // goes with it, its Enter too (no empty line is read).
    client.send('arm 1\rarm 1\rarm 1\rarm 1\r');
    await client.waitFor(/awake\nTyped ahead past 20 characters: the rest was dropped\.\nT> arm 1\narmed\nT> arm 1\narmed\nT> arm 1\narmed\nT> $/, { from });
    // A command typed after it is the next thing read: nothing of the dropped type-ahead came between.
    client.send('arm 2\r\n');
    await client.waitFor(/T> arm 2\narmed\nT> $/, { from });
    assert.is(
      client.screen.slice(from),
      'nap\nawake\nTyped ahead past 20 characters: the rest was dropped.\n' + 'T> arm 1\narmed\n'.repeat(3) + 'T> arm 2\narmed\nT> ',
    );
    assert.is(srv.log.filter((line) => line.includes('type-ahead over 20 characters dropped')).length, 1, srv.log.join('\n'));
  } finally {
    client.close();
    await srv.stop();
  }
});

test('one readLine waits at a time: a second one rejects at once, the first still gets its line', async () => {
  const srv = await startServer(Timers, { negotiationTimeoutMs: 50 });
  const client = await TelnetTestClient.connect(srv.port);
  await client.waitFor('T> ');
  try {
    client.send('twice\r\n');
    await client.waitFor('second: readLine is already waiting for a line');
    await client.waitFor('one: ');
    assert.is(await run(client, 'hello', 'T> '), 'first: hello\n');
  } finally {
    client.close();
    await srv.stop();
  }
});

test('messages: maxMessageLength characters arrive whole, one more is cut with a note; logged once per session', async () => {
  const srv = await startDemo({}, { maxMessageLength: 10, negotiationTimeoutMs: 50 });
  const client = await login(srv.port, 'reader');
  try {
    const id = srv.server.sessions[0]!.id;
    srv.server.sendTo(id, '0123456789');
    await client.waitFor(/\n0123456789\nTestServer> $/);
    srv.server.sendTo(id, '0123456789A');
    await client.waitFor(/\n0123456789 \[\.\.\. 1 characters cut\]\nTestServer> $/);
    srv.server.sendTo(id, 'x'.repeat(25));
    await client.waitFor(/\nxxxxxxxxxx \[\.\.\. 15 characters cut\]\nTestServer> $/);
    assert.is(srv.log.filter((line) => /cut to maxMessageLength 10/.test(line)).length, 1);
  } finally {
    client.close();
    await srv.stop();
  }
});

test('demo timer: 10 pending, message of 1000, a day at most; one more of each is refused', async () => {
  const srv = await startDemo({}, { negotiationTimeoutMs: 50 });
  const client = await login(srv.port, 'timers');
  try {
    assert.is(await run(client, `timer ${MAX_TIMER_SECONDS + 1} x`), `At most ${MAX_TIMER_SECONDS} seconds\n`);
    assert.is(await run(client, `timer 1 ${'m'.repeat(MAX_TIMER_MESSAGE + 1)}`), `The message may be at most ${MAX_TIMER_MESSAGE} characters\n`);
    assert.is(await run(client, `timer ${MAX_TIMER_SECONDS} ${'m'.repeat(MAX_TIMER_MESSAGE)}`), `Waiting ${MAX_TIMER_SECONDS} seconds...\n`);
    for (let i = 1; i < MAX_PENDING_TIMERS - 1; i++) assert.is(await run(client, 'timer 999 x'), 'Waiting 999 seconds...\n');
    assert.is(await run(client, 'timer 0.1 last'), 'Waiting 0.1 seconds...\n');
    const full = `You already have ${MAX_PENDING_TIMERS} timers waiting; wait for one to fire\n`;
    assert.is(await run(client, 'timer 999 x'), full);
    assert.is(await run(client, 'timer 999 x'), full);
    await client.waitFor(/\nlast\nTestServer> $/);
    assert.is(await run(client, 'timer 999 x'), 'Waiting 999 seconds...\n');
    assert.is(await run(client, 'timer 999 x'), full);
  } finally {
    client.close();
    await srv.stop();
  }
});

/** A source that records pause and resume. */
function source() {
  const calls: string[] = [];
  return { calls, pause: () => calls.push('pause'), resume: () => calls.push('resume') };
}

test('pacer: at most bytesPerTurn per turn, the source paused until the rest is handed on, in order', async () => {
  const src = source();
  const got: number[] = [];
  const pacer = new InputPacer(src, (chunk) => got.push(chunk.length), { bytesPerTurn: 4096, msPerTurn: 1000 });
  await nextTurn();
  pacer.push(Buffer.alloc(4096, 1)); // exactly the budget: handed on now, nothing paused
  assert.equal(got, [2048, 2048]);
  assert.equal(src.calls, []);
  await nextTurn();
  pacer.push(Buffer.alloc(4097, 2)); // one byte over
  assert.equal(got.slice(2), [2048, 2048]);
  assert.equal(src.calls, ['pause']);
  assert.is(pacer.queued, 1);
  pacer.push(Buffer.from([3])); // behind what waits, even though a new chunk came
  assert.is(pacer.queued, 2);
  await nextTurn();
  await nextTurn();
  assert.equal(got.slice(4), [1, 1]);
  assert.equal(src.calls, ['pause', 'resume']);
});

test('pacer: past msPerTurn the rest waits for the next turn', async () => {
  const src = source();
  let slices = 0;
  const pacer = new InputPacer(src, () => {
    slices++;
    const until = performance.now() + 3;
    while (performance.now() < until);
  }, { bytesPerTurn: 1 << 20, msPerTurn: 2 });
  await nextTurn();
  pacer.push(Buffer.alloc(8192));
  assert.is(slices, 1);
  assert.equal(src.calls, ['pause']);
  await nextTurn();
  await nextTurn();
  assert.ok(slices >= 2);
});

test(`pacer: all connections together take ${PROCESS_INPUT_MS_PER_TURN} ms of input a turn; past it one slice each, and a new key at once`, async () => {
  const burn = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until);
  };
  const own = { bytesPerTurn: 1 << 20, msPerTurn: 1000 }; // each connection's own budget out of the way
  const slices = Array.from({ length: 10 }, () => 0);
  const order: number[] = [];
  const pacers = slices.map((_, i) => new InputPacer(source(), (chunk) => {
    slices[i]!++;
    order.push(i);
    burn(1);
  }, own));
  await nextTurn();
  for (const pacer of pacers) pacer.push(Buffer.alloc(16 * 1024)); // 8 slices each
  // The first takes the process's budget (each slice at least 1 ms: at most that many slices); the
  // other nine still get one slice each this turn, not none and not more.
  assert.ok(slices[0]! >= 1 && slices[0]! <= PROCESS_INPUT_MS_PER_TURN, `first: ${slices[0]}`);
  assert.equal(slices.slice(1), Array.from({ length: 9 }, () => 1));
  // A quiet session's key, while the budget is spent: handed on at once, in the same turn.
  let probe = 0;
  new InputPacer(source(), (chunk) => (probe += chunk.length), own).push(Buffer.from('ls\r'));
  assert.is(probe, 3);
  // Every connection moves on each turn, and everything arrives in the end.
  const before = [...slices];
  await nextTurn();
  await nextTurn();
  for (let i = 0; i < 10; i++) assert.ok(slices[i]! > before[i]!, `connection ${i} moved on`);
  for (let turns = 0; slices.some((n) => n < 8) && turns < 200; turns++) await nextTurn();
  assert.equal(slices, Array.from({ length: 10 }, () => 8));
});

test('pacer: after stop() nothing queued is handed on, and nothing pushed later', async () => {
  const src = source();
  let bytes = 0;
  const pacer = new InputPacer(src, (chunk) => (bytes += chunk.length), { bytesPerTurn: 1024, msPerTurn: 1000 });
  await nextTurn();
  pacer.push(Buffer.alloc(10_000));
  assert.is(bytes, 1024);
  pacer.stop();
  pacer.push(Buffer.alloc(10));
  await nextTurn();
  await nextTurn();
  assert.is(bytes, 1024);
  assert.is(pacer.queued, 0);
});

test('telnet: once the session closes its transport, input still queued is never handed on (item 8)', async () => {
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as net.AddressInfo;
  const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
  const client = net.connect(port, '127.0.0.1');
  client.on('error', () => {});
  const socket = await accepted;
  let handed = 0;
  let afterClose = 0;
  let closed = false;
  const transport = new TelnetTransport(socket);
  const events = terminalEvents({
    data: (text) => {
      handed += text.length;
      if (closed) afterClose += text.length;
      // The session ends on its first input (as `exit` would): the rest must be dropped.
      if (!closed) {
        closed = true;
        transport.close();
      }
    },
  });
  try {
    transport.attach(events, { inputBudget: { bytesPerTurn: 4096, msPerTurn: 1000 } });
    client.write(Buffer.alloc(1024 * 1024, 'a'));
    for (let i = 0; i < 20 && handed === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    for (let i = 0; i < 10; i++) await nextTurn();
    assert.ok(handed > 0 && handed <= 2048, `one slice handed on before the close (${handed})`);
    assert.is(afterClose, 0);
  } finally {
    client.destroy();
    socket.destroy();
    listener.close();
  }
});

test('a warning a client repeats at will: one log line a second for the whole server, then the count', async () => {
  const srv = await startServer(Timers, { maxLineLength: 10, negotiationTimeoutMs: 50 });
  const clients = [await TelnetTestClient.connect(srv.port), await TelnetTestClient.connect(srv.port)];
  try {
    for (const client of clients) await client.waitFor('T> ');
    // 20 lines too long from each of two sessions, each told every time.
    for (const client of clients) client.send('x'.repeat(11) + '\r\n'.repeat(1));
    for (let i = 1; i < 20; i++) for (const client of clients) client.send(`${'y'.repeat(11)}\r\n`);
    for (const client of clients) await client.waitFor(/(Line too long \(more than 10 characters\): discarded\.\nT> [^]*){20}/);
    const lines = () => srv.log.filter((line) => line.includes('line over 10 characters discarded'));
    assert.is(lines().length, 1, lines().join('\n'));
    // The interval's end writes the count of the rest (39), naming the last session that caused it.
    await new Promise((resolve) => setTimeout(resolve, 1300));
    assert.is(lines().length, 2, lines().join('\n'));
    assert.match(lines()[1]!, /^warn \[s\d+ 127\.0\.0\.1:\d+\] line over 10 characters discarded \(39 times more in the last 1 s; this was the last\)$/);
  } finally {
    for (const client of clients) client.close();
    await srv.stop();
  }
});

test.run();
