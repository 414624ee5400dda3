// The editable login flow: examples/oneTimeCode.ts adds a step to the chart; this proves the step runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CodeHandler, sessionWithCode } from '../../examples/oneTimeCode.js';
import { startServer } from '../support/demoServer.js';
import { TelnetTestClient } from '../support/telnetClient.js';
import { toMermaid } from '../../src/machines/mermaid.js';

async function answer(client: TelnetTestClient, prompt: string, text: string, from: number): Promise<number> {
  const at = await client.waitFor(prompt, { from });
  client.send(`${text}\r\n`);
  return at + prompt.length;
}

test('wrong code refused, right code logs in; the code is never shown or logged', async () => {
  const states: string[] = [];
  const srv = await startServer(CodeHandler, {
    sessionMachine: sessionWithCode,
    loginRetryDelayMs: 10,
    inspect: (event) => {
      if (event.type === '@xstate.snapshot') states.push(JSON.stringify((event.snapshot as { value?: unknown }).value));
    },
  });
  const client = await TelnetTestClient.connect(srv.port);
  try {
    let at = await answer(client, 'Username: ', 'alice', 0);
    at = await answer(client, 'Password: ', 'secret', at);
    at = await answer(client, 'One-time code: ', '111111', at);
    at = await client.waitFor('Login failed.', { from: at });
    at = await answer(client, 'Username: ', 'alice', at);
    at = await answer(client, 'Password: ', 'secret', at);
    at = await answer(client, 'One-time code: ', '424242', at);
    await client.waitFor('Password and one-time code accepted.\nTelnet Server> ', { from: at });
    const from = client.screen.length;
    client.send('whoami\r\n');
    await client.waitFor('alice\nTelnet Server> ', { from });
    assert.not.match(client.text, /111111|424242|secret/);
    assert.not.match(srv.log.join('\n'), /111111|424242|secret/);
    assert.ok(states.includes(JSON.stringify({ login: 'askingCode' })), 'the chart went through login.askingCode');
    assert.ok(states.includes(JSON.stringify({ login: 'checkingCode' })), 'and login.checkingCode');
  } finally {
    client.close();
    await srv.stop();
  }
});

test('a wrong password never reaches the code step', async () => {
  const srv = await startServer(CodeHandler, { sessionMachine: sessionWithCode, loginRetryDelayMs: 10 });
  const client = await TelnetTestClient.connect(srv.port);
  try {
    let at = await answer(client, 'Username: ', 'alice', 0);
    at = await answer(client, 'Password: ', 'wrong', at);
    await client.waitFor('Login failed.', { from: at });
    assert.not.match(client.screen, /One-time code/);
  } finally {
    client.close();
    await srv.stop();
  }
});

test('at the code step, which handles only its line: a line too long and ^C start the login over, ^D closes', async () => {
  const srv = await startServer(CodeHandler, { sessionMachine: sessionWithCode, maxLineLength: 16 });
  const client = await TelnetTestClient.connect(srv.port);
  try {
    let at = await answer(client, 'Username: ', 'alice', 0);
    at = await answer(client, 'Password: ', 'secret', at);
    at = await answer(client, 'One-time code: ', 'x'.repeat(17), at);
    at = await client.waitFor('Line too long (more than 16 characters): discarded.\n', { from: at });
    at = await answer(client, 'Username: ', 'alice', at);
    at = await answer(client, 'Password: ', 'secret', at);
    at = await client.waitFor('One-time code: ', { from: at });
    client.send('42\x03');
    at = await client.waitFor('^C ABORT\n', { from: at });
    at = await answer(client, 'Username: ', 'alice', at);
    at = await answer(client, 'Password: ', 'secret', at);
    at = await client.waitFor('One-time code: ', { from: at });
    client.send('\x04');
    await client.waitForClose();
    assert.not.match(client.screen.slice(at), /Username: /, 'closed, not asked again');
    assert.not.match(client.screen, /accepted/);
  } finally {
    client.close();
    await srv.stop();
  }
});

test('the edited chart draws with its new states', () => {
  const chart = toMermaid(sessionWithCode);
  assert.match(chart, /askingCode/);
  assert.match(chart, /checkingCode/);
  assert.match(chart, /session_login_checking --> session_login_askingCode : done/);
  assert.match(chart, /session_login_checkingCode --> session_welcome : done/);
});

test.run();
