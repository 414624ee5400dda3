// Continuation lines over a real connection: one history entry per command (issue 15), a cap on the
// lines and characters one command may take (issue 12), and the prompts before login's own limit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type ServerOptions } from '../../src/server.js';
import { TelnetHandler } from '../../src/handler.js';
import { command } from '../../src/shell/command.js';
import { login, TelnetTestClient } from '../support/telnetClient.js';

const histories: string[][] = [];

class WordsHandler extends TelnetHandler {
  override prompt = 'W> ';
  override continuePrompt = '.. ';
  override authNeedUser = true;

  override async authCallback(): Promise<void> {}

  @command('params')
  params(params: string[]) {
    this.writeResponse(`WORDS ${JSON.stringify(params)}`);
  }

  @command('snapshot')
  snapshot() {
    histories.push([...this.history]);
  }
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function withServer(options: ServerOptions, body: (port: number) => Promise<void>): Promise<void> {
  const server = createServer(WordsHandler, { logger: quiet, ...options });
  const { port } = await server.listenTelnet({ host: '127.0.0.1', port: 0 });
  try {
    await body(port);
  } finally {
    await server.close({ timeoutMs: 1000 });
  }
}

test('a command typed over continuation lines is one history entry; Up brings it back whole and it runs the same', async () => {
  await withServer({}, async (port) => {
    const client = await login(port, 'ann', { prompt: 'W> ' });
    try {
      client.send('params 1 \\\r');
      let from = await client.waitFor('.. ');
      client.send('2 "3\r');
      from = await client.waitFor('.. ', { from: from + 1 });
      client.send("4\" '5\r");
      from = await client.waitFor('.. ', { from: from + 1 });
      client.send("6'\r");
      from = await client.waitFor('WORDS ["1","2","3\\n4","5\\n6"]', { from });
      client.send('snapshot\r');
      from = await client.waitFor('W> ', { from: await client.waitFor('snapshot', { from }) });
      assert.equal(histories.at(-1), [`params 1 2 "3\\n4" '5'\\n'6'`, 'snapshot']);
      // Up twice: the whole command, as one line; Enter runs it with the same words.
      client.send('\x1b[A\x1b[A\r');
      from = await client.waitFor('WORDS ["1","2","3\\n4","5\\n6"]', { from });
      client.send('snapshot\r');
      await client.waitFor('W> ', { from: await client.waitFor('snapshot', { from }) });
      assert.equal(histories.at(-1), [`params 1 2 "3\\n4" '5'\\n'6'`, 'snapshot', `params 1 2 "3\\n4" '5'\\n'6'`, 'snapshot']);
    } finally {
      client.close();
    }
  });
});

test('continuation: exactly maxCommandLines lines run; one more is refused with a message and the next command works', async () => {
  await withServer({ maxCommandLines: 3 }, async (port) => {
    const client = await login(port, 'bob', { prompt: 'W> ' });
    try {
      client.send('params a \\\rb \\\rc\r');
      let from = await client.waitFor('WORDS ["a","b","c"]');
      client.send('params a \\\rb \\\rc \\\rd\r');
      from = await client.waitFor('Command too long (more than 3 lines or 131072 characters): discarded.', { from });
      assert.not.ok(client.screen.slice(from).includes('WORDS'), 'nothing of the refused command ran');
      client.send('params after\r');
      from = await client.waitFor('WORDS ["after"]', { from });
      // The line that was refused is not run as a command of its own either.
      assert.not.ok(client.screen.includes('Unknown command'), client.screen);
    } finally {
      client.close();
    }
  });
});

test('continuation: the lines together may hold exactly maxLineLength characters (newlines counted); one more is refused', async () => {
  await withServer({ maxLineLength: 40 }, async (port) => {
    const client = await login(port, 'cat', { prompt: 'W> ' });
    try {
      // 'params "' (8) + 'x' * 20 + '\n' + 'y' * 10 + '"' = 40 characters in all.
      client.send(`params "${'x'.repeat(20)}\r${'y'.repeat(10)}"\r`);
      let from = await client.waitFor(`WORDS ["${'x'.repeat(20)}\\n${'y'.repeat(10)}"]`);
      client.send(`params "${'x'.repeat(20)}\r${'y'.repeat(11)}"\r`);
      from = await client.waitFor('Command too long (more than 64 lines or 40 characters): discarded.', { from });
      client.send('params ok\r');
      await client.waitFor('WORDS ["ok"]', { from });
    } finally {
      client.close();
    }
  });
});

test('the username prompt takes exactly maxLoginLineLength characters; one more is refused with a message', async () => {
  await withServer({ maxLoginLineLength: 16 }, async (port) => {
    const over = await TelnetTestClient.connect(port);
    try {
      await over.waitFor('Username: ');
      over.send(`${'u'.repeat(17)}\r`);
      const from = await over.waitFor('Line too long (more than 16 characters): discarded.');
      await over.waitFor('Username: ', { from });
    } finally {
      over.close();
    }
    const exact = await TelnetTestClient.connect(port);
    try {
      await exact.waitFor('Username: ');
      exact.send(`${'u'.repeat(16)}\r`);
      await exact.waitFor('W> ');
      // After login the command line has the full limit again.
      exact.send(`params ${'p'.repeat(100)}\r`);
      await exact.waitFor(`WORDS ["${'p'.repeat(100)}"]`);
    } finally {
      exact.close();
    }
  });
});

test.run();
