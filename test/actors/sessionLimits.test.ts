import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { SessionCounter, admissionVerdict, hostOf, maxSessionsFor } from '../../src/actors/sessionLimits.js';
import { fileDescriptorLimit } from '../../src/actors/fileLimit.js';
import { TelnetTestClient } from '../support/telnetClient.js';
import { startServer } from '../support/demoServer.js';
import { TelnetHandler } from '../../src/handler.js';

test('hostOf strips the port of v4 and v6 addresses', () => {
  assert.is(hostOf('127.0.0.1:4000'), '127.0.0.1');
  assert.is(hostOf('[::1]:4000'), '::1');
  assert.is(hostOf('unknown'), 'unknown');
});

test('counter: total and per-address limits, released on end', () => {
  const counter = new SessionCounter({ maxSessions: 3, maxUnauthenticated: 3, maxSessionsPerAddress: 2 });
  assert.is(counter.admit('10.0.0.1:1'), null);
  assert.is(counter.admit('10.0.0.1:2'), null);
  assert.is(counter.admit('10.0.0.1:3')?.line, 'Too many sessions from your address.');
  assert.is(counter.admit('10.0.0.2:1'), null);
  assert.is(counter.admit('10.0.0.3:1')?.line, 'Too many sessions; please try again later.');
  counter.release('10.0.0.1:1');
  assert.is(counter.admit('10.0.0.1:9'), null);
});

test('verdict: each cap admits at its limit less one and refuses at the limit, with its own cause', () => {
  const limits = { maxSessions: 10, maxUnauthenticated: 5, maxSessionsPerAddress: 3 };
  const at = (total: number, unauthenticated: number, fromAddress: number) =>
    admissionVerdict({ total, unauthenticated, fromAddress }, limits)?.cause ?? 'admitted';
  assert.is(at(9, 4, 2), 'admitted');
  assert.is(at(10, 4, 2), 'sessions');
  assert.is(at(9, 5, 2), 'unauthenticated');
  assert.is(at(9, 4, 3), 'address');
  assert.is(admissionVerdict({ total: 9, unauthenticated: 4, fromAddress: 99 }, { ...limits, maxSessionsPerAddress: 0 }), null);
  assert.match(admissionVerdict({ total: 10, unauthenticated: 0, fromAddress: 0 }, limits)!.reason, /10 connections open \(maxSessions 10\)/);
});

test('counter: logged-in connections leave the anonymous share; a second login of the same connection counts once', () => {
  const counter = new SessionCounter({ maxSessions: 4, maxUnauthenticated: 2, maxSessionsPerAddress: 0 });
  assert.is(counter.admit('10.0.0.1:1'), null);
  assert.is(counter.admit('10.0.0.1:2'), null);
  assert.is(counter.admit('10.0.0.1:3')?.cause, 'unauthenticated');
  counter.authenticated('10.0.0.1:1');
  counter.authenticated('10.0.0.1:1'); // a second SSH channel of the same connection
  assert.is(counter.unauthenticated, 1);
  assert.is(counter.admit('10.0.0.1:3'), null);
  assert.is(counter.admit('10.0.0.1:4')?.cause, 'unauthenticated');
  counter.release('10.0.0.1:2'); // never logged in: frees an anonymous place
  assert.is(counter.unauthenticated, 1);
  assert.is(counter.admit('10.0.0.1:4'), null);
  assert.is(counter.admit('10.0.0.1:5')?.cause, 'unauthenticated');
  counter.authenticated('10.0.0.1:3');
  assert.is(counter.admit('10.0.0.1:5'), null); // the fourth: maxSessions reached
  assert.is(counter.admit('10.0.0.1:6')?.cause, 'sessions');
  counter.release('10.0.0.1:1'); // logged in: frees a place but not an anonymous one
  assert.is(counter.total, 3);
  assert.is(counter.unauthenticated, 2);
  assert.is(counter.admit('10.0.0.1:6')?.cause, 'unauthenticated');
  counter.release('unknown:1'); // never admitted: nothing changes
  assert.is(counter.total, 3);
});

test('maxSessionsFor: below the descriptor limit, a safe constant when unknown, at most 20,000', () => {
  assert.is(maxSessionsFor(1024), 1024 - 64 - 64);
  assert.is(maxSessionsFor(20_000), 20_000 - 64 - 1250);
  assert.is(maxSessionsFor(1_048_576), 20_000);
  assert.is(maxSessionsFor(Number.POSITIVE_INFINITY), 896);
  assert.is(maxSessionsFor(null), 896);
  assert.is(maxSessionsFor(10), 1);
});

test('fileDescriptorLimit reads this process limit (Linux)', () => {
  const limit = fileDescriptorLimit();
  if (process.platform !== 'linux') return;
  const soft = Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]);
  assert.is(limit, soft);
});

test('the session over maxSessions gets a one-line refusal and is closed; others go on', async () => {
  const srv = await startServer(TelnetHandler, { maxSessions: 1, negotiationTimeoutMs: 50 });
  const first = await TelnetTestClient.connect(srv.port);
  try {
    await first.waitFor('Telnet Server> ');
    const second = await TelnetTestClient.connect(srv.port);
    await second.waitFor('Too many sessions; please try again later.');
    await second.waitForClose();
    assert.match(srv.log.join("\n"), /refused: 1 connections open \(maxSessions 1\)/);
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
