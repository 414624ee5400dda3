// The stall watchdog: a command holding the event loop is named in the log (session, command, how
// long), once; a short one is not; a stall after a command's first await is caught by the event-loop
// delay monitor, naming the command running; lines are rate-limited, counting the ones held back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TelnetHandler } from '../../src/handler.js';
import { command } from '../../src/shell/command.js';
import { StallWatchdog } from '../../src/workers/stallWatchdog.js';
import { recordingLogger, startServer } from '../support/demoServer.js';
import { TelnetTestClient } from '../support/telnetClient.js';

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

class StallingHandler extends TelnetHandler {
  @command('busy')
  busy(): void {
    busyWait(300);
    this.writeResponse('done busy');
  }

  @command('quick')
  quick(): void {
    busyWait(20);
    this.writeResponse('done quick');
  }

  @command('later')
  later(): void {
    this.setTimeout(() => busyWait(300), 10);
    this.writeResponse('scheduled');
  }

  @command('ask')
  async ask(): Promise<void> {
    this.writeResponse(`got ${await this.readLine({ prompt: 'Answer: ' })}`);
  }

  @command('lateburn')
  async lateBurn(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    busyWait(300);
    this.writeResponse('done lateburn');
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The first line of `log` that `matches`, once there is one, or undefined after `timeoutMs`. */
async function logLine(log: string[], matches: (entry: string) => boolean, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let line: string | undefined;
  while (!line && Date.now() < deadline) {
    await sleep(50);
    line = log.find(matches);
  }
  return line;
}

async function connect(port: number): Promise<TelnetTestClient> {
  const client = await TelnetTestClient.connect(port);
  await client.waitFor('Telnet Server> ');
  return client;
}

test('a command busy for 300 ms gives exactly one line naming session, command and duration; 20 ms gives none', async () => {
  const srv = await startServer(StallingHandler);
  const client = await connect(srv.port);
  try {
    const id = srv.server.sessions[0]!.id;
    let from = client.screen.length;
    client.send('quick\r\n');
    await client.waitFor('done quick', { from });
    from = client.screen.length;
    client.send('busy\r\n');
    await client.waitFor('done busy', { from });
    // Checks of the delay monitor pass: it must not report the same stall again.
    await sleep(1000);
    const lines = srv.log.filter((line) => line.includes("'busy'"));
    assert.is(lines.length, 1, srv.log.join('\n'));
    assert.match(lines[0]!, new RegExp(`^warn \\[${id} 127\\.0\\.0\\.1:\\d+\\] command 'busy' held the event loop for (\\d+) ms \\(stall threshold 100 ms\\)`), lines[0]);
    const ms = Number(/for (\d+) ms/.exec(lines[0]!)![1]);
    assert.ok(ms >= 300 && ms < 2000, `${ms} ms`);
    assert.is(srv.log.filter((line) => line.includes("'quick'")).length, 0, srv.log.join('\n'));
  } finally {
    client.close();
    await srv.stop();
  }
});

test('a command waiting in readLine is not named as running when another command stalls the loop', async () => {
  const srv = await startServer(StallingHandler);
  const asker = await connect(srv.port);
  const client = await connect(srv.port);
  try {
    const askerId = srv.server.sessions[0]!.id;
    const id = srv.server.sessions[1]!.id;
    await sleep(1100);
    asker.send('ask\r\n');
    await asker.waitFor('Answer: ');
    client.send('lateburn\r\n');
    await client.waitFor('done lateburn');
    const line = await logLine(srv.log, (entry) => entry.includes('stalled') && entry.includes('lateburn'), 4000);
    assert.ok(line, srv.log.join('\n'));
    assert.match(line, new RegExp(`commands running: ${id} 'lateburn'\\)`), line);
    assert.not.ok(line.includes(`${askerId} 'ask'`), line);
  } finally {
    asker.close();
    client.close();
    await srv.stop();
  }
});

test('a stall after the command\'s first await is seen by the delay monitor, naming the command running', async () => {
  const srv = await startServer(StallingHandler);
  const client = await connect(srv.port);
  try {
    const id = srv.server.sessions[0]!.id;
    // Past the rate limit's gap after any stall of the start-up (a loaded machine has some).
    await sleep(1100);
    client.send('lateburn\r\n');
    await client.waitFor('done lateburn');
    const line = await logLine(srv.log, (entry) => entry.includes('stalled') && entry.includes('lateburn'), 4000);
    assert.ok(line, srv.log.join('\n'));
    assert.match(line, new RegExp(`^warn the event loop stalled for (\\d+) ms outside a command's start \\(stall threshold 100 ms; commands running: ${id} 'lateburn'\\)`), line);
    const ms = Number(/for (\d+) ms/.exec(line)![1]);
    assert.ok(ms >= 250, `${ms} ms`);
  } finally {
    client.close();
    await srv.stop();
  }
});

test('a timer callback holding the loop is named as such, with its session', async () => {
  const srv = await startServer(StallingHandler);
  const client = await connect(srv.port);
  try {
    const id = srv.server.sessions[0]!.id;
    await sleep(1100); // past the rate limit's gap after any stall of the start-up
    client.send('later\r\n');
    await client.waitFor('scheduled');
    const line = await logLine(srv.log, (entry) => entry.includes('a timer callback'), 3000);
    assert.ok(line, srv.log.join('\n'));
    assert.match(line, new RegExp(`^warn \\[${id} 127\\.0\\.0\\.1:\\d+\\] a timer callback held the event loop for \\d+ ms`), line);
  } finally {
    client.close();
    await srv.stop();
  }
});

test('the delay monitor runs only while commands run (and two checks after): an idle server has no wake-ups for it', async () => {
  const watchdog = new StallWatchdog({ thresholdMs: 100, checkIntervalMs: 20 }, recordingLogger([]));
  assert.not.ok(watchdog.monitoring);
  watchdog.commandStarted();
  watchdog.commandStarted();
  assert.ok(watchdog.monitoring);
  watchdog.commandEnded();
  await sleep(120);
  assert.ok(watchdog.monitoring, 'one command still runs');
  watchdog.commandEnded();
  await sleep(150);
  assert.not.ok(watchdog.monitoring, 'stopped once idle');
  watchdog.commandStarted();
  assert.ok(watchdog.monitoring, 'the second start starts it again');
  watchdog.commandEnded();
  watchdog.stop();
  assert.not.ok(watchdog.monitoring);
  watchdog.commandStarted();
  assert.not.ok(watchdog.monitoring, 'never again after stop()');
});

test('stallThresholdMs: 0 turns the watchdog off', async () => {
  const srv = await startServer(StallingHandler, { stallThresholdMs: 0 });
  const client = await connect(srv.port);
  try {
    client.send('busy\r\n');
    await client.waitFor('done busy');
    await sleep(1200);
    assert.is(srv.log.filter((line) => /held the event loop|stalled/.test(line)).length, 0, srv.log.join('\n'));
  } finally {
    client.close();
    await srv.stop();
  }
});

test('threshold boundary, and rate limiting: one line per gap, the held-back ones counted in the next', async () => {
  const lines: string[] = [];
  const source = { log: (_level: 'warn', message: string) => lines.push(message) };
  const watchdog = new StallWatchdog({ thresholdMs: 100, minLogGapMs: 200 }, recordingLogger([]));
  watchdog.ran(100, source, "command 'edge'");
  assert.equal(lines, [], 'exactly the threshold is not a stall');
  watchdog.ran(100.5, source, "command 'over'");
  assert.is(lines.length, 1);
  assert.match(lines[0]!, /^command 'over' held the event loop for 101 ms/);
  watchdog.ran(150, source, "command 'second'");
  watchdog.ran(150, source, "command 'third'");
  assert.is(lines.length, 1, 'held back within the gap');
  await sleep(250);
  watchdog.ran(150, source, "command 'fourth'");
  assert.is(lines.length, 2);
  assert.match(lines[1]!, /^command 'fourth' held the event loop for 150 ms .*\(2 more stall\(s\) since the last line not logged\)$/);
  watchdog.ran(150, source, "command 'fifth'");
  assert.is(lines.length, 2);
});

test.run();
