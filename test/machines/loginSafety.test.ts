// A login of your own cannot lose the safety around it: the timeout, ^C, ^D and a line too long are
// the chart's, on the login node and the session root, so a login that leaves them out still has them;
// the rules types cannot say are checked when the chart is built.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, fromPromise } from 'xstate';
import { checkLoginStates, sessionChart, sessionSetup, type LoginStepInput } from '../../src/machines/session.js';
import { stateToString } from '../../src/actors/session.js';
import { fakeHost, tick } from './fakeHost.js';

/** One step of its own, and nothing else: no ^C, ^D, line-too-long or timeout transition anywhere. */
const bareLogin = sessionSetup.createStateConfig({
  id: 'login',
  initial: 'askingCode',
  states: {
    askingCode: {
      entry: { type: 'promptLine', params: { prompt: 'Code: ', echo: false } },
      on: { LINE: { target: 'checkingCode' } },
    },
    checkingCode: {
      invoke: {
        id: 'loginStep',
        src: 'loginStep',
        input: ({ context, event }) => ({ host: context.host, username: null, line: event.type === 'LINE' ? event.line : '' }),
        onDone: { target: '#session.welcome', actions: 'acceptLogin' },
        onError: { target: '#session.closing' },
      },
    },
  },
});

/** The step's check: '42' passes; 'slow' never answers. */
const machine = sessionSetup.createMachine(sessionChart(bareLogin)).provide({
  actors: {
    loginStep: fromPromise<void, LoginStepInput>(({ input }) =>
      input.line === 'slow' ? new Promise<void>(() => {}) : input.line === '42' ? Promise.resolve() : Promise.reject(new Error('wrong')),
    ),
  },
});

function start(loginTimeoutMs = 0) {
  const host = fakeHost({ auth: async () => {}, loginTimeoutMs });
  const actor = createActor(machine, { input: { host } });
  actor.start();
  return { host, actor, state: () => stateToString(actor.getSnapshot().value) };
}

const codePrompts = (host: ReturnType<typeof fakeHost>) => host.prompts.filter((p) => p.prompt === 'Code: ').length;

test('the login timeout fires at a step of its own, and while its check runs', async () => {
  const waiting = start(30);
  assert.is(waiting.state(), 'login.askingCode');
  const checking = start(30);
  checking.actor.send({ type: 'LINE', line: 'slow' });
  assert.is(checking.state(), 'login.checkingCode');
  await new Promise((resolve) => setTimeout(resolve, 80));
  for (const session of [waiting, checking]) {
    assert.ok(session.host.out.includes('\nLogin timed out.\n'), session.host.out.join('|'));
    assert.is(session.actor.getSnapshot().status, 'done');
    assert.is(session.host.ends, 1, 'sessionEnd ran once');
  }
});

test('^C at a step that does not handle it starts the login over; every check runs again', async () => {
  const { host, actor, state } = start();
  assert.is(codePrompts(host), 1);
  actor.send({ type: 'INTERRUPT' });
  assert.is(state(), 'login.askingCode');
  assert.is(codePrompts(host), 2, 'the prompt is shown again');
  actor.send({ type: 'INTERRUPT' });
  assert.is(codePrompts(host), 3, 'and again on the second ^C');
  actor.send({ type: 'LINE', line: '42' });
  await tick();
  assert.is(state(), 'shell.prompting');
});

test('^D at a step that does not handle it closes the session', async () => {
  const { host, actor } = start();
  actor.send({ type: 'END_OF_INPUT' });
  await tick();
  assert.is(actor.getSnapshot().status, 'done');
  assert.is(host.disconnected, 1);
  assert.is(host.ends, 1);
  assert.equal(host.accepted, [], 'nobody logged in');
});

test('a line too long at a step that does not handle it is said, and the login starts over', async () => {
  const { host, actor, state } = start();
  actor.send({ type: 'LINE_TOO_LONG', limit: 128 });
  assert.ok(host.out.includes('Line too long (more than 128 characters): discarded.\n'), host.out.join('|'));
  assert.is(state(), 'login.askingCode');
  assert.is(codePrompts(host), 2);
  actor.send({ type: 'LINE_TOO_LONG', limit: 128 });
  assert.is(codePrompts(host), 3);
  assert.equal(host.accepted, []);
});

test('a login that breaks a rule is refused when the chart is built, naming each problem', () => {
  const broken = {
    id: 'login',
    initial: 'nowhere',
    on: { INTERRUPT: {} },
    states: {
      asking: { on: { LOGIN_TIMEOUT: {}, LINE: { target: 'done' } } },
      done: { type: 'final' },
    },
  } as const;
  let message = '';
  try {
    sessionChart(broken as never);
  } catch (err) {
    message = (err as Error).message;
  }
  assert.match(message, /login\.asking handles LOGIN_TIMEOUT/);
  assert.match(message, /login handles INTERRUPT on the login node itself/);
  assert.match(message, /login\.done is final/);
  assert.match(message, /initial "nowhere" is not one of them \(asking, done\)/);
  assert.match(message, /no transition in login goes to #session\.welcome/);
  // Nested steps are checked too; a login that follows the rules passes.
  const nested = { id: 'login', initial: 'a', states: { a: { initial: 'b', states: { b: { on: { LOGIN_TIMEOUT: {} } } } } } };
  assert.throws(() => checkLoginStates(nested as never), /login\.a\.b handles LOGIN_TIMEOUT/);
  checkLoginStates(bareLogin);
});

test.run();
