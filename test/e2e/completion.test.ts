// Tab completion over a real socket: command names, the built-in help's completer, a command's own
// (async) completer with quoting, and hidden commands kept out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TelnetTestClient } from '../support/telnetClient.js';
import { startDemo, startServer } from '../support/demoServer.js';
import { TelnetHandler } from '../../src/handler.js';
import { command } from '../../src/shell/command.js';

class Files extends TelnetHandler {
  @command('get', {
    help: '<file>\nShow a file.',
    async complete(params: string[], partial: string) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return params.length === 0 ? ['notes.txt', 'my notes.txt', 'my plans.txt', partial === 'n' ? 'never shown' : 'x'] : [];
    },
  })
  get(params: string[]) {
    this.writeResponse(`reading ${JSON.stringify(params[0])}`);
  }

  @command('secret', { hidden: true })
  secret() {}
}

async function screenAfter(client: TelnetTestClient, keys: string, pattern: RegExp | string): Promise<string> {
  const from = client.screen.length;
  client.send(keys);
  await client.waitFor(pattern, { from });
  return client.screen.slice(from);
}

test('command names complete (aliases included, hidden left out); a second Tab lists them', async () => {
  const demo = await startDemo();
  const client = await TelnetTestClient.connect(demo.port);
  try {
    await client.waitFor('Username: ');
    client.send('alice\r\n');
    await client.waitFor('TestServer> ');
    // The screen here is text without cursor moves: check what the completed line does.
    assert.match(await screenAfter(client, 'ec\tcompleted\r\n', /TestServer> $/), /\ncompleted\nTestServer> $/);
    assert.match(client.text, /ec\x1b\[2D\x1b\[Jecho /, 'the word is replaced on screen');
    const listed = await screenAfter(client, 'h\t\t', /TestServer> h$/);
    assert.match(listed, /\nhelp +history\s*\nTestServer> h$/);
    assert.not.match(listed, /hide-me/, 'hidden commands are not offered');
    client.send('\x15');
    assert.match(await screenAfter(client, 'help ec\t\r\n', /TestServer> $/), /ECHO <text to echo>/);
  } finally {
    client.close();
    await demo.stop();
  }
});

test("a command's async completer: filtered by what is typed, quoted when it has spaces", async () => {
  const srv = await startServer(Files);
  const client = await TelnetTestClient.connect(srv.port);
  try {
    await client.waitFor('Telnet Server> ');
    assert.match(await screenAfter(client, 'get my\tn\t\r\n', /Telnet Server> $/), /reading "my notes\.txt"/);
    assert.match(client.text, /get my\x1b\[2D\x1b\[J"my n/, 'the common part "my is typed with its quote open');
    assert.match(await screenAfter(client, 'GE\tno\t\r\n', /Telnet Server> $/), /reading "notes\.txt"/);
    assert.match(await screenAfter(client, 'se\t\r\n', /Telnet Server> $/), /Unknown command/);
  } finally {
    client.close();
    await srv.stop();
  }
});

test.run();
