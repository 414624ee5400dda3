// ^C typed while a login check runs cannot cut the check short or dodge its count: with no line being
// read, ^C is shown at once and told to a running command only (INTERRUPT_COMMAND); the login chart
// never hears it, so the check finishes and its failure is said and counted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TelnetHandler } from '../../src/handler.js';
import { startServer } from '../support/demoServer.js';
import { TelnetTestClient } from '../support/telnetClient.js';

class SlowCheck extends TelnetHandler {
  override authNeedUser = true;
  override authNeedPass = true;
  override async authCallback(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 150));
    throw new Error('denied');
  }
}

test('^C during a slow password check: the failure is still said and counted; the limit still closes', async () => {
  const srv = await startServer(SlowCheck, { maxLoginAttempts: 2, loginRetryDelayMs: 10 });
  const client = await TelnetTestClient.connect(srv.port);
  try {
    let at = await client.waitFor('Username: ');
    client.send('ann\r\n');
    at = await client.waitFor('Password: ', { from: at });
    client.send('guess1\r\n\x03'); // ^C right behind the password, while the check runs
    at = await client.waitFor('^C\nLogin failed.\n', { from: at });
    at = await client.waitFor('Username: ', { from: at });
    client.send('ann\r\n');
    at = await client.waitFor('Password: ', { from: at });
    client.send('guess2\r\n\x03');
    at = await client.waitFor('Login failed.\nToo many failed login attempts.\n', { from: at });
    await client.waitForClose();
    assert.is((client.screen.match(/Login failed\./g) ?? []).length, 2);
  } finally {
    client.close();
    await srv.stop();
  }
});

test.run();
