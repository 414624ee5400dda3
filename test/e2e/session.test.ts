// End-to-end sessions over real sockets on 127.0.0.1: the demo handler and small handlers of our own.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TelnetTestClient, login } from '../support/telnetClient.js';
import { startDemo, startServer } from '../support/demoServer.js';
import { TelnetHandler } from '../../src/handler.js';
import { command } from '../../src/shell/command.js';
import { sessionMachine } from '../../src/machines/session.js';

/** Sends a line and waits for the next prompt after it; returns what was shown in between. */
async function run(client: TelnetTestClient, line: string, prompt = 'TestServer> '): Promise<string> {
  const from = client.screen.length;
  client.send(`${line}\r\n`);
  const at = await client.waitFor(prompt, { from: from + line.length });
  return client.screen.slice(from, at);
}

test('login, welcome, session start lines, prompt; echo and aliases', async () => {
  const demo = await startDemo();
  const client = await login(demo.port);
  try {
    assert.match(client.screen, /Username: alice\nYou have connected to the test server\.\nHello alice!\nYou are connection #1, you have logged in 1 time\(s\)\.\nTestServer> $/);
    assert.is(await run(client, 'echo 1 "2 3"'), 'echo 1 "2 3"\n1 2 3\n');
    assert.is(await run(client, 'REPEAT a'), 'REPEAT a\na\n');
    assert.is(await run(client, 'params 1 "2 3"'), 'params 1 "2 3"\nparams == ["1","2 3"]\n');
    assert.is(await run(client, 'params 1\\ 2'), 'params 1\\ 2\nparams == ["1 2"]\n');
  } finally {
    client.close();
    await demo.stop();
  }
});

test('negotiation: the server asks ECHO, SGA, TTYPE, NAWS; term and size reach the handler and follow resizes', async () => {
  const demo = await startDemo();
  const client = await login(demo.port, 'tom', { term: 'VT220', width: 132, height: 43 });
  try {
    const asked = client.negotiation.map(([verb, option]) => `${verb}:${option}`);
    for (const want of ['251:1', '251:3', '253:3', '253:24', '253:31']) assert.ok(asked.includes(want), `asked ${want}`);
    assert.match(await run(client, 'info'), /terminal type: VT220\nWidth: 132, height: 43/);
    client.resize(100, 30);
    assert.match(await run(client, 'info'), /Width: 100, height: 30/);
    assert.is(await run(client, 'term'), 'term\nVT220\n');
  } finally {
    client.close();
    await demo.stop();
  }
});

test('a client that answers nothing (netcat) still gets its prompt; term stays ansi', async () => {
  const demo = await startDemo();
  const client = await TelnetTestClient.connect(demo.port, { negotiate: false });
  try {
    await client.waitFor('Username: ', { timeoutMs: 3000 });
    client.send('nc-user\n');
    await client.waitFor('TestServer> ');
    assert.match(await run(client, 'info'), /terminal type: ansi\nWidth: 80, height: 24/);
  } finally {
    client.close();
    await demo.stop();
  }
});

test('password login: echo off, the password is never shown, wrong ones are refused', async () => {
  const demo = await startDemo({ password: 'sesame' });
  const client = await TelnetTestClient.connect(demo.port);
  try {
    await client.waitFor('Username: ');
    client.send('bob\r\n');
    await client.waitFor('Password: ');
    client.send('bad-guess\r\n');
    await client.waitFor('Login failed.');
    await client.waitFor('Username: ', { from: client.screen.indexOf('Login failed.') });
    client.send('bob\r\n');
    await client.waitFor(/Password: [^]*Password: /);
    client.send('sesame\r\n');
    await client.waitFor('TestServer> ');
    assert.not.match(client.text, /bad-guess|sesame/);
    assert.not.match(demo.log.join('\n'), /bad-guess|sesame/);
  } finally {
    client.close();
    await demo.stop();
  }
});

test('too many failed logins disconnect the client; the log quotes each name cut short', async () => {
  const demo = await startDemo({ password: 'sesame' }, { loginRetryDelayMs: 10 });
  const client = await TelnetTestClient.connect(demo.port);
  const name = `bob${'b'.repeat(200)}`;
  try {
    for (let i = 0; i < 3; i++) {
      const from = client.screen.length;
      await client.waitFor('Username: ', { from: Math.max(0, from - 10) });
      client.send(`${name}\r\n`);
      await client.waitFor('Password: ', { from });
      client.send('nope\r\n');
      await client.waitFor('Login failed.', { from });
    }
    await client.waitFor('Too many failed login attempts.');
    await client.waitForClose();
    const failures = demo.log.filter((line) => line.includes('login failed'));
    assert.is(failures.length, 3);
    // Cut and said to be cut, with the reason the name was refused.
    for (const line of failures) {
      assert.ok(line.endsWith(`login failed for user "${name.slice(0, 64)}"... (203 characters) (username refused: usernames are at most 64 characters)`), line);
    }
  } finally {
    client.close();
    await demo.stop();
  }
});

test('help lists visible names sorted; help NAME details; hidden commands work but stay out of the list', async () => {
  const demo = await startDemo();
  const client = await login(demo.port);
  try {
    const list = await run(client, 'help');
    const [header, blank, ...lines] = list.split('\n').slice(1, -1);
    assert.equal([header, blank], ['Help on built in commands', ''], 'the seed\'s header line, then a blank line');
    assert.equal(lines, [...lines].sort());
    assert.ok(lines.includes('? [<command>] - Display help'), list);
    assert.ok(lines.includes('BYE - Exit the command shell'), list);
    assert.ok(lines.includes('ECHO <text to echo> - Echo text back to the console.'), list);
    assert.ok(lines.includes('COPY <text to echo> - Echo text back to the console.'), list);
    assert.ok(lines.includes('TIMEIT <time> <message> - In <time> seconds, display <message>.'), list);
    assert.not.match(list, /HIDE-ME|ALSO-ME|\bTERM\b/);
    assert.is(await run(client, 'help echo'), 'help echo\nECHO <text to echo>\n\nEcho text back to the console.\n');
    assert.match(await run(client, 'help timer'), /^help timer\nTIMER <time> <message>\n\nSend a message after a delay\.\n<time> is in seconds\./);
    assert.match(await run(client, 'help hide-me'), /HIDE-ME/);
    assert.is(await run(client, 'also-me'), 'also-me\nYou found a hidden command.\n');
    assert.is(await run(client, 'nosuch 1 2'), "nosuch 1 2\nUnknown command 'NOSUCH'\n");
  } finally {
    client.close();
    await demo.stop();
  }
});

test('continuation: the seed case over the wire', async () => {
  const demo = await startDemo();
  const client = await login(demo.port);
  try {
    client.send('params 1 \\\r\n');
    await client.waitFor('... ');
    client.send('2 "3\r\n');
    await client.waitFor(/\.\.\. [^]*\.\.\. /);
    client.send('4" "5\\\r\n');
    await client.waitFor(/(\.\.\. [^]*){3}/);
    const from = client.screen.length;
    client.send('6"\r\n');
    await client.waitFor('TestServer> ', { from });
    assert.match(client.screen, /params == \["1","2","3\\n4","56"\]/);
  } finally {
    client.close();
    await demo.stop();
  }
});

test('an async message while typing: shown on its own line, prompt and half-typed input redrawn', async () => {
  const demo = await startDemo();
  const client = await login(demo.port);
  try {
    await run(client, 'timer 0.2 "ding dong"');
    client.send('ech');
    await client.waitFor('ding dong');
    await client.waitFor(/ding dong\nTestServer> ech$/);
    client.send('o still here\r\n');
    await client.waitFor(/still here\nTestServer> $/);
  } finally {
    client.close();
    await demo.stop();
  }
});

test('history: recorded, walked with the up arrow, printed by the history command', async () => {
  const demo = await startDemo();
  const client = await login(demo.port);
  try {
    await run(client, 'echo first');
    await run(client, 'echo second');
    const from = client.screen.length;
    client.send('\x1b[A\x1b[A\r\n');
    await client.waitFor('TestServer> ', { from });
    assert.match(client.screen.slice(from), /first\n/);
    const history = await run(client, 'history');
    assert.match(history, /1 +echo first\n +2 +echo second\n +3 +echo first\n +4 +history/);
  } finally {
    client.close();
    await demo.stop();
  }
});

test('history is bounded: past historyLimit the oldest lines go', async () => {
  class Short extends TelnetHandler {
    override historyLimit = 3;
    @command('echo')
    echo(params: string[]) {
      this.writeResponse(params.join(' '));
    }
  }
  const srv = await startServer(Short);
  const client = await TelnetTestClient.connect(srv.port);
  try {
    await client.waitFor('Telnet Server> ');
    for (const word of ['one', 'two', 'three', 'four']) await run(client, `echo ${word}`, 'Telnet Server> ');
    const history = await run(client, 'history', 'Telnet Server> ');
    assert.match(history, /Command history\n +1 +echo three\n +2 +echo four\n +3 +history\n$/);
  } finally {
    client.close();
    await srv.stop();
  }
});

test('passwd: readLine twice with echo off, kept out of history; ^C aborts it', async () => {
  const demo = await startDemo();
  const client = await login(demo.port);
  try {
    client.send('passwd\r\n');
    await client.waitFor('New password: ');
    client.send('hunter2\r\n');
    await client.waitFor('Retype new password: ');
    const from = client.screen.length;
    client.send('hunter2\r\n');
    await client.waitFor('TestServer> ', { from });
    assert.match(client.screen, /Password changed/);
    assert.not.match(client.text, /hunter2/);
    assert.not.match(await run(client, 'history'), /hunter2/);
    client.send('passwd\r\n');
    await client.waitFor(/New password: $/);
    const abortFrom = client.screen.length;
    client.send('\x03');
    await client.waitFor('TestServer> ', { from: abortFrom });
    assert.match(client.screen.slice(abortFrom), /\^C ABORT/);
  } finally {
    client.close();
    await demo.stop();
  }
});

test('two sessions at once keep their own state', async () => {
  const demo = await startDemo();
  const a = await login(demo.port, 'ann');
  const b = await login(demo.port, 'ben');
  try {
    a.send('echo from-a');
    assert.match(await run(b, 'info'), /Username: ben/);
    a.send('\r\n');
    await a.waitFor(/from-a\nTestServer> $/);
    assert.match(await run(a, 'info'), /Username: ann/);
    assert.is(demo.server.sessions.length, 2);
    assert.equal(demo.server.sessions.map((s) => s.username).sort(), ['ann', 'ben']);
  } finally {
    a.close();
    b.close();
    await demo.stop();
  }
});

test('exit says Goodbye and closes; ^D on an empty line too; sessionEnd runs once', async () => {
  let ends = 0;
  class Counting extends TelnetHandler {
    override sessionEnd() {
      ends++;
    }
  }
  const srv = await startServer(Counting, { negotiationTimeoutMs: 50 });
  try {
    const one = await TelnetTestClient.connect(srv.port);
    await one.waitFor('Telnet Server> ');
    one.send('exit\r\n');
    await one.waitFor('Goodbye');
    await one.waitForClose();
    const two = await TelnetTestClient.connect(srv.port);
    await two.waitFor('Telnet Server> ');
    two.send('\x04');
    await two.waitFor('Goodbye');
    await two.waitForClose();
    await waitUntil(() => ends === 2);
    assert.is(srv.server.sessions.length, 0);
  } finally {
    await srv.stop();
  }
});

test('a command that throws: short message to the client, stack to the log, session goes on', async () => {
  class Faulty extends TelnetHandler {
    @command('boom')
    boom() {
      throw new Error('kaput');
    }
    @command('later')
    async later() {
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new TypeError('async kaput');
    }
  }
  const srv = await startServer(Faulty);
  const client = await TelnetTestClient.connect(srv.port);
  try {
    await client.waitFor('Telnet Server> ');
    assert.is(await run(client, 'boom', 'Telnet Server> '), 'boom\nError: kaput\n');
    assert.is(await run(client, 'later', 'Telnet Server> '), 'later\nError: async kaput\n');
    assert.not.match(client.screen, /at .*\.ts/);
    assert.match(srv.log.join('\n'), /kaput\n\s+at /);
    assert.match(await run(client, 'help', 'Telnet Server> '), /HELP/);
  } finally {
    client.close();
    await srv.stop();
  }
});

test('a command that returns without awaiting its readLine: the read is dropped, nothing crashes', async () => {
  class Careless extends TelnetHandler {
    @command('ask')
    ask() {
      void this.readLine({ prompt: 'never awaited? ' });
    }
  }
  const srv = await startServer(Careless);
  const client = await TelnetTestClient.connect(srv.port);
  try {
    await client.waitFor('Telnet Server> ');
    await run(client, 'ask', 'Telnet Server> ');
    // The next line is a command again, not an answer to the dropped read.
    assert.match(await run(client, 'help', 'Telnet Server> '), /HELP/);
    assert.is(srv.server.sessions[0]?.state, 'shell.prompting');
  } finally {
    client.close();
    await srv.stop();
  }
});

test('a session whose chart fails ends alone: logged, the supervisor and other sessions go on', async () => {
  // A fault inside the chart itself (not in a command): this one throws on one message text.
  const failing = sessionMachine.provide({
    actions: {
      showMessage: ({ context, event }) => {
        if (event.type !== 'MESSAGE') return;
        if (event.text === 'fault!') throw new Error('chart fault');
        context.host.showMessage(context.host.boundMessage(event.text));
      },
    },
  });
  const srv = await startDemo({}, { sessionMachine: failing });
  const bystander = await login(srv.port, 'bob');
  const victim = await login(srv.port, 'eve');
  try {
    const victimId = srv.server.sessions.find((s) => s.username === 'eve')!.id;
    assert.ok(srv.server.sendTo(victimId, 'fault!'));
    await victim.waitForClose();
    assert.match(srv.log.join('\n'), /session actor failed\n.*chart fault/);
    assert.is(await run(bystander, 'echo still here'), 'echo still here\nstill here\n');
    const newcomer = await login(srv.port, 'carol');
    assert.is(await run(newcomer, 'echo hi'), 'echo hi\nhi\n');
    assert.equal(srv.server.sessions.map((s) => s.username).sort(), ['bob', 'carol']);
    // The supervisor still routes: a broadcast reaches both.
    srv.server.broadcast('notice to all');
    await bystander.waitFor('notice to all');
    await newcomer.waitFor('notice to all');
    newcomer.close();
  } finally {
    bystander.close();
    victim.close();
    await srv.stop();
  }
});

test('disconnect in the middle of a command: sessionEnd runs, timers cleared, others unaffected', async () => {
  let ended = 0;
  let release!: () => void;
  const started = new Promise<void>((resolve) => (release = resolve));
  class Slow extends TelnetHandler {
    @command('slow')
    async slow() {
      this.setTimeout(() => this.writeMessage('too late'), 10_000);
      release();
      await new Promise((resolve) => setTimeout(resolve, 300));
      this.writeLine('done');
    }
    override sessionEnd() {
      ended++;
    }
  }
  const srv = await startServer(Slow);
  const leaver = await TelnetTestClient.connect(srv.port);
  const stayer = await TelnetTestClient.connect(srv.port);
  try {
    await leaver.waitFor('Telnet Server> ');
    await stayer.waitFor('Telnet Server> ');
    leaver.send('slow\r\n');
    await started;
    leaver.close();
    await waitUntil(() => ended === 1);
    assert.is(srv.server.sessions.length, 1);
    assert.match(await run(stayer, 'help', 'Telnet Server> '), /SLOW/);
    await new Promise((resolve) => setTimeout(resolve, 350));
    assert.not.match(srv.log.join('\n'), /^error /m, srv.log.join('\n'));
  } finally {
    stayer.close();
    await srv.stop();
  }
});

test('hostile basics: a 1 MiB line, an SB that never ends, random bytes; other sessions unaffected', async () => {
  const demo = await startDemo({}, { maxLineLength: 4096 });
  const good = await login(demo.port, 'good');
  const long = await login(demo.port, 'long');
  const sb = await login(demo.port, 'sb');
  const noise = await login(demo.port, 'noise');
  try {
    long.send('x'.repeat(1024 * 1024));
    await long.waitFor('Line too long');
    long.send('\r\n');
    assert.is(await run(long, 'echo ok'), 'echo ok\nok\n');
    sb.sendRaw([255, 250, 24, ...new Array(64 * 1024).fill(65)]);
    let seed = 7;
    const random = Array.from({ length: 64 * 1024 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 255);
    noise.sendRaw(random);
    assert.is(await run(good, 'echo still fine'), 'echo still fine\nstill fine\n');
    assert.match(demo.log.join('\n'), /subnegotiation|line over/i);
  } finally {
    for (const c of [good, long, sb, noise]) c.close();
    await demo.stop();
  }
});

test('a client that never reads while the server writes a lot is dropped at the output cap', async () => {
  class Chatty extends TelnetHandler {
    @command('flood')
    flood() {
      // More than the kernel's socket buffers hold, so output piles up in the process and meets the cap.
      for (let i = 0; i < 100_000; i++) this.writeLine(`line ${i} ${'x'.repeat(100)}`);
    }
  }
  const srv = await startServer(Chatty, { maxOutputBuffer: 64 * 1024, negotiationTimeoutMs: 50 });
  const reader = await TelnetTestClient.connect(srv.port);
  const sleeper = await TelnetTestClient.connect(srv.port);
  try {
    await reader.waitFor('Telnet Server> ');
    await sleeper.waitFor('Telnet Server> ');
    sleeper.pause();
    sleeper.send('flood\r\n');
    await waitUntil(() => srv.log.some((line) => /client is not reading: dropped/.test(line)));
    await waitUntil(() => srv.server.sessions.length === 1);
    reader.send('help\r\n');
    await reader.waitFor(/HISTORY[^]*Telnet Server> $/);
  } finally {
    reader.close();
    sleeper.close();
    await srv.stop();
  }
});

test('server.close says goodbye to every session and runs every sessionEnd', async () => {
  let ends = 0;
  class Closing extends TelnetHandler {
    override sessionEnd() {
      ends++;
    }
  }
  const srv = await startServer(Closing);
  const a = await TelnetTestClient.connect(srv.port);
  const b = await TelnetTestClient.connect(srv.port);
  await a.waitFor('Telnet Server> ');
  await b.waitFor('Telnet Server> ');
  a.send('hal');
  await srv.server.close({ message: 'Going down now.' });
  await a.waitForClose();
  await b.waitForClose();
  assert.match(a.screen, /Going down now\./);
  assert.match(b.screen, /Going down now\./);
  assert.is(ends, 2);
});

test('who and say: two people on the demo see each other; half-typed input survives the message', async () => {
  const demo = await startDemo();
  const ann = await login(demo.port, 'ann');
  const ben = await login(demo.port, 'ben');
  // Two more at the username prompt: counted by who, not listed (they are no one yet).
  const strangers = [await TelnetTestClient.connect(demo.port), await TelnetTestClient.connect(demo.port)];
  try {
    for (const stranger of strangers) await stranger.waitFor('Username: ');
    const who = await run(ann, 'who');
    const rows = who.split('\n').filter((row) => row !== '');
    assert.is(rows.length, 4, who);
    assert.match(rows[1]!, /^s\d+ +ann +telnet +127\.0\.0\.1:\d+ \(you\)$/);
    assert.match(rows[2]!, /^s\d+ +ben +telnet +127\.0\.0\.1:\d+$/);
    assert.is(rows[3], 'and 2 connecting, not logged in yet');
    ben.send('echo half');
    await ben.waitFor(/TestServer> echo half$/);
    assert.match(await run(ann, 'say hello there'), /\[ann\] hello there/);
    await ben.waitFor(/\[ann\] hello there\nTestServer> echo half$/);
    ben.send(' done\r\n');
    await ben.waitFor(/half done\nTestServer> $/);
    // sendTo a session that has gone is dropped without error.
    assert.is(demo.server.sendTo('s-gone', 'x'), false);
  } finally {
    for (const stranger of strangers) stranger.close();
    ann.close();
    ben.close();
    await demo.stop();
  }
});

test('graceful close lets a running command finish, then ends the session', async () => {
  let ended = 0;
  class Busy extends TelnetHandler {
    @command('work')
    async work() {
      await new Promise((resolve) => setTimeout(resolve, 300));
      this.writeLine('work finished');
    }
    override sessionEnd() {
      ended++;
    }
  }
  const srv = await startServer(Busy, { negotiationTimeoutMs: 50 });
  const client = await TelnetTestClient.connect(srv.port);
  await client.waitFor('Telnet Server> ');
  client.send('work\r\n');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = Date.now();
  await srv.server.close({ message: 'Closing soon.', timeoutMs: 3000 });
  await client.waitForClose();
  assert.match(client.screen, /Closing soon\.\nwork finished\n$/);
  assert.ok(Date.now() - started >= 200, 'waited for the command');
  assert.is(ended, 1);
});

test('a client that connects and sends nothing is cut at the login timeout', async () => {
  const demo = await startDemo({}, { loginTimeoutMs: 800 });
  const idle = await TelnetTestClient.connect(demo.port, { negotiate: false });
  const good = await login(demo.port, 'good');
  try {
    await idle.waitFor('Username: ');
    await idle.waitFor('Login timed out.');
    await idle.waitForClose();
    await new Promise((resolve) => setTimeout(resolve, 350));
    assert.is(await run(good, 'echo alive'), 'echo alive\nalive\n');
  } finally {
    idle.close();
    good.close();
    await demo.stop();
  }
});

test('logged-in sessions sitting at the prompt hold no timers (idle timeout and keepalive off)', async () => {
  const demo = await startDemo();
  const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
  const clients: TelnetTestClient[] = [];
  try {
    const before = timers();
    for (let i = 0; i < 10; i++) clients.push(await login(demo.port, `user${i}`));
    await run(clients[9]!, 'echo settled');
    assert.ok(timers() <= before, `timers: ${before} before ten idle sessions, ${timers()} with them`);
  } finally {
    for (const client of clients) client.close();
    await demo.stop();
  }
});

test('idle timeout: a warning line first, then the cut; typing keeps a session alive', async () => {
  const demo = await startDemo({}, { idleTimeoutMs: 800, idleWarningMs: 400 });
  const sleepy = await login(demo.port, 'sleepy');
  const busy = await login(demo.port, 'busy');
  const keepAlive = setInterval(() => busy.send('x'), 100);
  try {
    sleepy.send('ech');
    await sleepy.waitFor(/idle for a while: disconnecting in \d+ s unless you type something\.\nTestServer> ech$/, { timeoutMs: 2000 });
    await sleepy.waitFor('Idle too long: disconnecting.', { timeoutMs: 2000 });
    await sleepy.waitForClose();
    assert.not.match(busy.screen, /idle/i);
    assert.is(demo.server.sessions.length, 1);
  } finally {
    clearInterval(keepAlive);
    sleepy.close();
    busy.close();
    await demo.stop();
  }
});

async function waitUntil(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test.run();
