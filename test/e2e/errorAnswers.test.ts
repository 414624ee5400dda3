// Errors that say what is wrong, and only that: help for an unknown name, a timer's bad time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startDemo } from '../support/demoServer.js';
import { login } from '../support/telnetClient.js';

/** What the command answered, between its line and the next prompt, escape sequences removed. */
async function answer(client: Awaited<ReturnType<typeof login>>, line: string): Promise<string> {
  const from = client.screen.length;
  client.send(`${line}\r\n`);
  const end = await client.waitFor('TestServer> ', { from: from + line.length });
  return client.screen
    .slice(from, end)
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\r\n|\r\0/g, '\n')
    .slice(line.length)
    .trim();
}

test('help of an unknown name: the error and a hint, not the whole list', async () => {
  const demo = await startDemo();
  const client = await login(demo.port);
  try {
    assert.is(await answer(client, 'help nosuch'), "Command 'nosuch' not known; 'help' lists the commands");
    assert.match(await answer(client, 'help'), /timer/i, 'help alone still lists them');
  } finally {
    client.close();
    await demo.stop();
  }
});

test('timer: a bad time is named as such; a missing message as before', async () => {
  const demo = await startDemo();
  const client = await login(demo.port);
  try {
    for (const [time, shown] of [['-1', '"-1"'], ['1e400', '"1e400"'], ['soon', '"soon"'], ['NaN', '"NaN"'], ['0x10', '"0x10"'], ['1e1', '"1e1"'], ['.5', '".5"'], ['5.', '"5."']]) {
      assert.is(await answer(client, `timer ${time} x`), `The time must be a number of seconds from 0 to 86400, not ${shown}`);
    }
    assert.is(await answer(client, 'timer 5'), 'Need both a time and a message');
    assert.is(await answer(client, 'timer 0 x'), 'Waiting 0 seconds...');
  } finally {
    client.close();
    await demo.stop();
  }
});

test.run();
