// Messages over a real socket: above the half-typed line at the prompt, above a password prompt
// without showing what was typed, held through the login and shown after the welcome; the counts
// sendTo/broadcast/disconnect return are the sessions reached.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startDemo, startServer } from '../support/demoServer.js';
import { TelnetHandler } from '../../src/handler.js';
import { login, TelnetTestClient } from '../support/telnetClient.js';

test('at the prompt: the message above, the prompt and the half-typed line drawn again below it', async () => {
  const srv = await startDemo({}, { negotiationTimeoutMs: 50 });
  const client = await login(srv.port, 'ann');
  try {
    client.send('ech');
    await client.waitFor(/TestServer> ech$/);
    const from = client.text.length;
    assert.is(srv.server.sendTo(srv.server.sessions[0]!.id, 'hello there'), true);
    await client.waitFor(/\nhello there\nTestServer> ech$/);
    // On the wire: back to the row's start, erase, the message, CR LF, the prompt and the input.
    assert.is(client.text.slice(from), '\r\0\x1b[Jhello there\r\nTestServer> ech');
    // The line goes on being edited where it was.
    client.send('o hi\r\n');
    await client.waitFor(/\nhi\nTestServer> $/);
  } finally {
    client.close();
    await srv.stop();
  }
});

test('at a password prompt (readLine, echo off): the message shown, what was typed never', async () => {
  const srv = await startDemo({}, { negotiationTimeoutMs: 50 });
  const client = await login(srv.port, 'ann');
  try {
    client.send('passwd\r\n');
    await client.waitFor(/New password: $/);
    client.send('sec');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.is(srv.server.broadcast('wall: reboot at noon'), 1);
    await client.waitFor(/\nwall: reboot at noon\nNew password: $/);
    client.send('ret\r\n');
    await client.waitFor(/Retype new password: $/);
    client.send('secret\r\n');
    await client.waitFor(/Password changed[^\n]*\nTestServer> $/);
    const screen = client.screen;
    const asked = screen.indexOf('New password: ');
    // Between the first prompt and the second: the message and the prompt again, no typed character.
    assert.is(screen.slice(asked, screen.indexOf('Retype')), 'New password: \nwall: reboot at noon\nNew password: \n');
    assert.not.ok(client.text.includes('sec'), 'no typed character of the password is on the wire');
  } finally {
    client.close();
    await srv.stop();
  }
});

test('during the login: held, counted as reached, shown after the welcome', async () => {
  const srv = await startDemo({}, { negotiationTimeoutMs: 50 });
  const client = await TelnetTestClient.connect(srv.port);
  try {
    await client.waitFor('Username: ');
    assert.is(srv.server.broadcast('first'), 1);
    assert.is(srv.server.sendTo(srv.server.sessions[0]!.id, 'second'), true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.not.ok(client.screen.includes('first'), 'not shown at the username prompt');
    client.send('bob\r\n');
    await client.waitFor('TestServer> ');
    assert.match(client.screen, /You have connected to the test server\.\nfirst\nsecond\nHello bob!/);
  } finally {
    client.close();
    await srv.stop();
  }
});

test('counts: sessions reached, a filter, an unknown or gone session', async () => {
  const srv = await startDemo({}, { negotiationTimeoutMs: 50 });
  const a = await login(srv.port, 'ann');
  const b = await login(srv.port, 'bob');
  try {
    assert.is(srv.server.broadcast('all'), 2);
    assert.is(srv.server.broadcast('bob only', (s) => s.username === 'bob'), 1);
    assert.is(srv.server.broadcast('nobody', () => false), 0);
    assert.is(srv.server.sendTo('s-none', 'x'), false);
    await b.waitFor(/bob only\nTestServer> $/);
    assert.not.ok(a.screen.includes('bob only'));
    const bob = srv.server.sessions.find((s) => s.username === 'bob')!.id;
    assert.is(srv.server.disconnect(bob, 'bye'), true);
    await b.waitFor(/bye\n/);
    for (let i = 0; i < 100 && srv.server.sessions.length > 1; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.is(srv.server.sendTo(bob, 'gone'), false);
    assert.is(srv.server.disconnect(bob), false);
    assert.is(srv.server.broadcast('all again'), 1);
  } finally {
    a.close();
    b.close();
    await srv.stop();
  }
});

test('a broadcast from a sessionEnd the supervisor itself started (disconnect): counted, and delivered', async () => {
  const counts: number[] = [];
  class Leaving extends TelnetHandler {
    override prompt = 'L> ';
    override sessionEnd(): void {
      // Runs inside the supervisor's DISCONNECT: the MESSAGE waits its turn there.
      counts.push(this.server.broadcast(`${this.sessionId} left`, (s) => s.id !== this.sessionId));
    }
  }
  const srv = await startServer(Leaving, { negotiationTimeoutMs: 50 });
  const a = await TelnetTestClient.connect(srv.port);
  const b = await TelnetTestClient.connect(srv.port);
  try {
    await a.waitFor('L> ');
    await b.waitFor('L> ');
    const second = srv.server.sessions[1];
    assert.is(srv.server.disconnect(second!.id), true);
    await Promise.race([a.waitFor(`${second!.id} left`), b.waitFor(`${second!.id} left`)]);
    assert.equal(counts, [1]);
  } finally {
    a.close();
    b.close();
    await srv.stop();
  }
});

test.run();
