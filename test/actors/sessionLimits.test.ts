import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SessionCounter, hostOf } from '../../src/actors/sessionLimits.js';
import { TelnetTestClient } from '../support/telnetClient.js';
import { startServer } from '../support/demoServer.js';
import { TelnetHandler } from '../../src/handler.js';

test('hostOf strips the port of v4 and v6 addresses', () => {
  assert.is(hostOf('127.0.0.1:4000'), '127.0.0.1');
  assert.is(hostOf('[::1]:4000'), '::1');
  assert.is(hostOf('unknown'), 'unknown');
});

test('counter: total and per-address limits, released on end', () => {
  const counter = new SessionCounter({ maxSessions: 3, maxSessionsPerAddress: 2 });
  assert.is(counter.admit('10.0.0.1:1'), null);
  assert.is(counter.admit('10.0.0.1:2'), null);
  assert.match(counter.admit('10.0.0.1:3') ?? '', /from your address/);
  assert.is(counter.admit('10.0.0.2:1'), null);
  assert.match(counter.admit('10.0.0.3:1') ?? '', /Too many sessions/);
  counter.release('10.0.0.1:1');
  assert.is(counter.admit('10.0.0.1:9'), null);
});

test('the session over maxSessions gets a one-line refusal and is closed; others go on', async () => {
  const srv = await startServer(TelnetHandler, { maxSessions: 1, negotiationTimeoutMs: 50 });
  const first = await TelnetTestClient.connect(srv.port);
  try {
    await first.waitFor('Telnet Server> ');
    const second = await TelnetTestClient.connect(srv.port);
    await second.waitFor('Too many sessions; please try again later.');
    await second.waitForClose();
    assert.match(srv.log.join('\n'), /refused: Too many sessions/);
    first.send('help\r\n');
    await first.waitFor(/HISTORY[^]*Telnet Server> $/);
    first.send('exit\r\n');
    await first.waitForClose();
    // The slot is free again.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const third = await TelnetTestClient.connect(srv.port);
    await third.waitFor('Telnet Server> ');
    third.close();
  } finally {
    first.close();
    await srv.stop();
  }
});

test('a handler whose constructor throws costs that connection only', async () => {
  let fail = true;
  class Fragile extends TelnetHandler {
    constructor() {
      super();
      if (fail) throw new Error('constructor blew up');
    }
  }
  const srv = await startServer(Fragile, { negotiationTimeoutMs: 50 });
  try {
    const broken = await TelnetTestClient.connect(srv.port);
    await broken.waitFor('Internal error; closing.');
    await broken.waitForClose();
    fail = false;
    const fine = await TelnetTestClient.connect(srv.port);
    await fine.waitFor('Telnet Server> ');
    fine.close();
    assert.match(srv.log.join('\n'), /constructor blew up/);
  } finally {
    await srv.stop();
  }
});

test.run();
