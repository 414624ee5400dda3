// Issue 21: a secret read with `readLine({ echo: false })` (and nothing else said) must never reach
// `history`, neither the array nor the `history` command's output, over a real connection.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from '../../src/server.js';
import { TelnetHandler } from '../../src/handler.js';
import { command } from '../../src/shell/command.js';
import { login } from '../support/telnetClient.js';

const seen: string[][] = [];

class PinHandler extends TelnetHandler {
  override prompt = 'Pin> ';
  override authNeedUser = true;

  override async authCallback(): Promise<void> {}

  @command('pin')
  async pin() {
    // Only `echo: false`: no `useHistory` given.
    const pin = await this.readLine({ prompt: 'PIN: ', echo: false });
    this.writeResponse(`got ${pin.length} digits`);
  }

  @command('ask')
  async ask() {
    const answer = await this.readLine({ prompt: 'Say: ' });
    this.writeResponse(`heard ${answer}`);
  }

  @command('snapshot')
  snapshot() {
    seen.push([...this.history]);
  }
}

test('a line read with echo: false only is kept out of history and the history command; echo on is kept', async () => {
  const server = createServer(PinHandler, { logger: { debug() {}, info() {}, warn() {}, error() {} } });
  const { port } = await server.listenTelnet({ host: '127.0.0.1', port: 0 });
  const client = await login(port, 'alice', { prompt: 'Pin> ' });
  try {
    client.send('pin\r');
    await client.waitFor('PIN: ');
    client.send('492817\r');
    let from = await client.waitFor('got 6 digits');
    client.send('ask\r');
    await client.waitFor('Say: ', { from });
    client.send('visible words\r');
    from = await client.waitFor('heard visible words', { from });
    client.send('snapshot\r');
    from = await client.waitFor('Pin> ', { from: from + 1 });
    client.send('history\r');
    from = await client.waitFor(/snapshot\s*\n(.*\n)*?.*history/, { from });
    await client.waitFor('Pin> ', { from });
    assert.equal(seen.at(-1), ['pin', 'ask', 'visible words', 'snapshot']);
    assert.not.ok(client.screen.slice(client.screen.indexOf('Command history')).includes('492817'), client.screen);
    assert.not.ok(client.screen.includes('492817'), 'the PIN was never shown at all');
    assert.match(client.screen.slice(client.screen.indexOf('Command history')), /visible words/);
  } finally {
    client.close();
    await server.close({ timeoutMs: 1000 });
  }
});

test.run();
