// The parts of the session chart's setup that only a login of your own uses: the promptLine action
// (its prompt, echo as asked, never history), rememberPassword and forgetPassword, and the default
// loginStep actor, which refuses every step until one is provided.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import { sessionChart, sessionSetup } from '../../src/machines/session.js';
import { stateToString } from '../../src/machines/stateValue.js';
import { recordingHost, settle } from './recordingHost.js';

const login = sessionSetup.createStateConfig({
  id: 'login',
  initial: 'askingPin',
  states: {
    askingPin: {
      entry: { type: 'promptLine', params: { prompt: 'PIN: ', echo: false } },
      on: { LINE: { target: 'askingWord', actions: 'rememberPassword' } },
    },
    askingWord: {
      entry: { type: 'promptLine', params: { prompt: 'Word: ', echo: true } },
      on: { LINE: { target: 'checking', actions: 'forgetPassword' } },
    },
    checking: {
      invoke: {
        id: 'loginStep',
        src: 'loginStep',
        input: ({ context, event }) => ({ host: context.host, username: null, line: event.type === 'LINE' ? event.line : '' }),
        onDone: { target: '#session.welcome', actions: 'acceptLogin' },
        onError: { target: '#session.closing', actions: { type: 'reportError', params: ({ event }) => ({ error: event.error }) } },
      },
    },
  },
});

test('promptLine: the prompt, echo as asked, never history; the password remembered, then forgotten', async () => {
  const host = recordingHost({ auth: async () => {} });
  const actor = createActor(sessionSetup.createMachine(sessionChart(login)), { input: { host } });
  actor.start();
  assert.equal(host.prompts, [{ prompt: 'PIN: ', echo: false, useHistory: false }]);
  actor.send({ type: 'LINE', line: '1234', secret: true });
  assert.is(actor.getSnapshot().context.password?.reveal(), '1234');
  assert.equal(host.prompts.at(-1), { prompt: 'Word: ', echo: true, useHistory: false });
  actor.send({ type: 'LINE', line: 'swordfish' });
  assert.is(actor.getSnapshot().context.password, null);
  // No loginStep provided: the default refuses, with a message that says so.
  await settle();
  assert.is(actor.getSnapshot().status, 'done');
  assert.ok(host.out.includes('ERROR Error: no loginStep actor was provided'), host.out.join('|'));
  assert.equal(host.accepted, []);
  assert.is(stateToString(actor.getSnapshot().value), 'closed');
});

test.run();
