// chartTree (the live view's drawing of a chart) on a small chart with every kind of transition it
// labels: an event with a named guard, with a guard given as an object and as a function, a delay,
// an invoked actor's done and error, an eventless one, a targetless one (left out), nested states with
// their initial child and a final state; and the dotted paths stateToString gives for state values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMachine, fromPromise } from 'xstate';
import { chartTree, type ChartNode } from '../../src/machines/chartTree.js';
import { eventLabel } from '../../src/machines/machineNodes.js';
import { toMermaid } from '../../src/machines/mermaid.js';
import { sessionMachine } from '../../src/machines/session.js';
import { stateToString } from '../../src/machines/stateValue.js';

const machine = createMachine(
  {
    id: 'demo',
    initial: 'idle',
    on: { RESET: '.idle' },
    states: {
      idle: {
        on: {
          GO: { target: 'busy', guard: 'allowed' },
          FORCE: { target: 'busy', guard: { type: 'forced' } },
          SOMETIMES: { target: '#demo.done', guard: () => true },
          STAY: { actions: () => {} },
        },
        after: { 500: 'done' },
      },
      busy: {
        initial: 'working',
        invoke: { src: 'job', onDone: 'done', onError: 'idle' },
        states: {
          working: { always: { target: 'resting', guard: 'tired' } },
          resting: { always: [{ actions: () => {} }, { target: 'working' }] },
        },
      },
      done: { type: 'final' },
    },
  },
  { guards: { allowed: () => true, forced: () => true, tired: () => false }, actors: { job: fromPromise(async () => {}) } },
);

test('the tree: paths, keys, initial children, final, and each transition labelled', () => {
  const tree = chartTree(machine);
  const expected: ChartNode = {
    path: '',
    key: 'demo',
    final: false,
    initial: 'idle',
    transitions: [{ event: 'RESET', target: 'idle' }],
    children: [
      {
        path: 'idle',
        key: 'idle',
        final: false,
        initial: null,
        children: [],
        transitions: [
          { event: 'GO [allowed]', target: 'busy' },
          { event: 'FORCE [forced]', target: 'busy' },
          { event: 'SOMETIMES [guard]', target: 'done' },
          { event: 'after 500', target: 'done' },
        ],
      },
      {
        path: 'busy',
        key: 'busy',
        final: false,
        initial: 'working',
        transitions: [
          { event: 'done', target: 'done' },
          { event: 'error', target: 'idle' },
        ],
        children: [
          { path: 'busy.working', key: 'working', final: false, initial: null, children: [], transitions: [{ event: 'always [tired]', target: 'busy.resting' }] },
          { path: 'busy.resting', key: 'resting', final: false, initial: null, children: [], transitions: [{ event: 'always', target: 'busy.working' }] },
        ],
      },
      { path: 'done', key: 'done', final: true, initial: null, children: [], transitions: [] },
    ],
  };
  assert.equal(tree, expected);
});

test('toMermaid of the same chart, line by line: nested states, initial and final marks, every edge with its label', () => {
  assert.equal(toMermaid(machine).split('\n'), [
    'stateDiagram-v2',
    '  state "idle" as demo_idle',
    '  state "busy" as demo_busy {',
    '    state "working" as demo_busy_working',
    '    state "resting" as demo_busy_resting',
    '    [*] --> demo_busy_working',
    '  }',
    '  state "done" as demo_done',
    '  demo_done --> [*]',
    '  [*] --> demo_idle',
    '  demo_busy_working --> demo_busy_resting : always [tired]',
    '  demo_busy_resting --> demo_busy_working : always',
    '  demo_idle --> demo_busy : GO [allowed]',
    '  demo_idle --> demo_busy : FORCE [forced]',
    '  demo_idle --> demo_done : SOMETIMES [guard]',
    '  demo_idle --> demo_done : after 500',
    '  demo_busy --> demo_done : done',
    '  demo_busy --> demo_idle : error',
    '  demo --> demo_idle : RESET',
  ]);
});

test('eventLabel: XState\'s own event types named, anything else as it is', () => {
  assert.is(eventLabel('xstate.after.500.demo.idle'), 'after 500');
  assert.is(eventLabel('xstate.done.actor.0.demo.busy'), 'done');
  assert.is(eventLabel('xstate.error.actor.0.demo.busy'), 'error');
  assert.is(eventLabel('my.xstate.after.5.x'), 'my.xstate.after.5.x');
  assert.is(eventLabel('LINE'), 'LINE');
});

test('the session chart\'s tree: the states the inspector names, the login nested, closed final', () => {
  const tree = chartTree(sessionMachine);
  const paths: string[] = [];
  const walk = (node: ChartNode) => {
    paths.push(node.path);
    node.children.forEach(walk);
  };
  walk(tree);
  assert.equal(paths, [
    '',
    'negotiating',
    'negotiating.deciding',
    'negotiating.waiting',
    'banner',
    'login',
    'login.deciding',
    'login.askingUsername',
    'login.askingPassword',
    'login.checking',
    'login.failed',
    'login.retrying',
    'welcome',
    'welcome.running',
    'welcome.awaitingLine',
    'shell',
    'shell.prompting',
    'shell.continuing',
    'shell.executing',
    'shell.awaitingLine',
    'exec',
    'exec.running',
    'exec.awaitingLine',
    'closing',
    'closed',
  ]);
  assert.is(tree.initial, 'negotiating');
  const find = (path: string) => {
    let found: ChartNode | undefined;
    const look = (node: ChartNode) => {
      if (node.path === path) found = node;
      node.children.forEach(look);
    };
    look(tree);
    return found!;
  };
  assert.is(find('closed').final, true);
  assert.is(find('login').initial, 'deciding');
  assert.ok(find('negotiating.waiting').transitions.some((t) => t.event === 'after negotiationTimeout' && t.target === 'banner'));
  // The check answers at once (an eventless step) or later (an event); either way to the welcome.
  assert.ok(find('login.checking').transitions.some((t) => t.event === 'always [loginAccepted]' && t.target === 'welcome'));
  assert.ok(find('login.checking').transitions.some((t) => t.event === 'LOGIN_ACCEPTED' && t.target === 'welcome'));
  assert.ok(find('login.checking').transitions.some((t) => t.event === 'LOGIN_REFUSED' && t.target === 'login.failed'));
  assert.ok(find('login.failed').transitions.some((t) => t.event === 'always [tooManyFailedLogins]' && t.target === 'closing'));
  assert.ok(find('shell.continuing').transitions.some((t) => t.event === 'LINE [lineIncomplete]' && t.target === 'shell.continuing'));
});

test('stateToString: a string as it is, nested objects dotted, an empty object or nothing as ""', () => {
  assert.is(stateToString('closing'), 'closing');
  assert.is(stateToString({ shell: 'prompting' }), 'shell.prompting');
  assert.is(stateToString({ login: { checking: {} } }), 'login.checking');
  assert.is(stateToString({ a: { b: { c: 'd' } } }), 'a.b.c.d');
  assert.is(stateToString({}), '');
  assert.is(stateToString(undefined), '');
  assert.is(stateToString(null), '');
  assert.is(stateToString(7), '');
});

test.run();
