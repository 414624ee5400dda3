// Enter at the telnet `Username:` prompt is no login attempt: the question again, nothing counted
// towards the attempt limit or the address's throttle, nothing logged (SSH refuses an empty name:
// test/e2e/sshAuthSteps.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startDemo } from '../support/demoServer.js';
import { TelnetTestClient } from '../support/telnetClient.js';

test('blank lines at Username: (one past the attempt limit) ask again; a login after them is not slowed', async () => {
  // A failure would hold the next attempt for 5 s and a third would disconnect: neither may happen.
  const demo = await startDemo({ password: 'pw' }, { maxLoginAttempts: 3, loginThrottle: { baseDelayMs: 5000, maxDelayMs: 5000 } });
  const client = await TelnetTestClient.connect(demo.port);
  try {
    let at = await client.waitFor('Username: ');
    for (const blank of ['', '', '', '', '   ']) {
      client.send(`${blank}\r\n`);
      at = await client.waitFor('Username: ', { from: at + 1 });
    }
    assert.is(client.screen.split('Username: ').length - 1, 6, client.screen);
    assert.not.match(client.screen, /Password|Login failed|Too many/);
    assert.is(client.closed, false);
    client.send('bob\r\n');
    const from = await client.waitFor('Password: ', { from: at });
    const sent = Date.now();
    client.send('pw\r\n');
    await client.waitFor('TestServer> ', { from, timeoutMs: 8000 });
    assert.ok(Date.now() - sent < 3000, `not throttled: ${Date.now() - sent} ms`);
    assert.not.ok(demo.log.some((line) => /login failed/.test(line)), demo.log.join('\n'));
  } finally {
    client.close();
    await demo.stop();
  }
});

test.run();
