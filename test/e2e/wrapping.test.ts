// Over a real socket: `help` starts with its header and wraps to the client's NAWS width; a handler
// with `wrapResponses` gets its long lines broken at spaces (CR LF on the wire), following a resize;
// without it (the default) a long line arrives whole.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TelnetHandler } from '../../src/handler.js';
import { command } from '../../src/shell/command.js';
import { startServer } from '../support/demoServer.js';
import { TelnetTestClient } from '../support/telnetClient.js';

const SENTENCE = 'the quick brown fox jumps over the lazy dog and keeps running far away';

function handlerClass(wrap: boolean) {
  return class extends TelnetHandler {
    override prompt = 'W> ';
    override wrapResponses = wrap;
    @command('say', { help: '\nPrint a long sentence, long enough to wrap on a narrow terminal for sure.' })
    say(): void {
      this.writeResponse(SENTENCE);
    }
  };
}

async function session(wrap: boolean, width: number) {
  const running = await startServer(handlerClass(wrap));
  const client = await TelnetTestClient.connect(running.port, { width });
  await client.waitFor('W> ');
  const run = async (line: string) => {
    const from = client.text.length;
    client.send(`${line}\r\n`);
    await client.waitFor('W> ', { from: client.screen.length + line.length });
    return client.text.slice(from);
  };
  return { running, client, run };
}

test('wrapResponses: rows broken at spaces, CR LF between them, and a resize is followed', async () => {
  const { running, client, run } = await session(true, 30);
  try {
    assert.is(await run('say'), 'say\r\nthe quick brown fox jumps over\r\nthe lazy dog and keeps running\r\nfar away\r\nW> ');
    client.resize(45, 24); // NAWS reaches the server before the next line: same socket, in order
    assert.is(await run('say'), 'say\r\nthe quick brown fox jumps over the lazy dog\r\nand keeps running far away\r\nW> ');
  } finally {
    client.close();
    await running.stop();
  }
});

test('by default a long response arrives whole, as one line', async () => {
  const { running, client, run } = await session(false, 30);
  try {
    assert.is(await run('say'), `say\r\n${SENTENCE}\r\nW> `);
  } finally {
    client.close();
    await running.stop();
  }
});

test('help: the header and a blank line first; lines wider than the terminal wrap with an indent', async () => {
  const { running, client, run } = await session(false, 40);
  try {
    const rows = (await run('help')).split('\r\n');
    assert.equal(rows.slice(0, 3), ['help', 'Help on built in commands', '']);
    const say = rows.indexOf('SAY - Print a long sentence, long enough');
    assert.equal(rows.slice(say, say + 3), ['SAY - Print a long sentence, long enough', '    to wrap on a narrow terminal for', '    sure.']);
    for (const row of rows) assert.ok(row.length <= 40, row);
  } finally {
    client.close();
    await running.stop();
  }
});

test.run();
