// The terminal notices (RESIZE, TERMINAL_TYPE) reach a session chart only when some transition of it
// acts on them (a target or actions), or an inspector watches: the default chart's `RESIZE: {}` and
// `TERMINAL_TYPE: {}` would cost a macrostep per notice for nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { InspectionEvent } from 'xstate';
import { loginStates, sessionChart, sessionMachine, sessionSetup } from '../../src/machines/session.js';
import { ALL_NOTICES_HEARD, machineActsOn, noticesHeard } from '../../src/machines/noticesHeard.js';
import { startDemo } from '../support/demoServer.js';
import { TelnetTestClient } from '../support/telnetClient.js';

const chart = sessionChart(loginStates);

/** The session chart with `on` added to the root, or to `shell.prompting` (a nested state). */
function withRoot(on: Record<string, unknown>) {
  return sessionSetup.createMachine({ ...chart, on: { ...chart.on, ...on } } as typeof chart);
}
function withPrompting(on: Record<string, unknown>) {
  const shell = chart.states.shell;
  const prompting = { ...shell.states.prompting, on: { ...shell.states.prompting.on, ...on } };
  return sessionSetup.createMachine({ ...chart, states: { ...chart.states, shell: { ...shell, states: { ...shell.states, prompting } } } } as typeof chart);
}

test('the default chart acts on neither notice: neither is sent without an inspector', () => {
  assert.is(machineActsOn(sessionMachine, 'RESIZE'), false);
  assert.is(machineActsOn(sessionMachine, 'TERMINAL_TYPE'), false);
  assert.equal(noticesHeard(sessionMachine, false), { RESIZE: false, TERMINAL_TYPE: false });
  // An inspector sees every event.
  assert.is(noticesHeard(sessionMachine, true), ALL_NOTICES_HEARD);
});

test('a transition with actions or a target, on the root or a nested state, makes the chart hear that notice only', () => {
  const record = withRoot({ TERMINAL_TYPE: { actions: () => {} } });
  assert.equal(noticesHeard(record, false), { RESIZE: false, TERMINAL_TYPE: true });
  const nested = withPrompting({ RESIZE: { target: 'prompting', reenter: true } });
  assert.equal(noticesHeard(nested, false), { RESIZE: true, TERMINAL_TYPE: false });
  // A guard alone does nothing: no target, no actions.
  assert.is(machineActsOn(withRoot({ RESIZE: { guard: () => true } }), 'RESIZE'), false);
  // A wildcard with actions hears every notice; one that does nothing, none.
  assert.equal(noticesHeard(withPrompting({ '*': { actions: () => {} } }), false), { RESIZE: true, TERMINAL_TYPE: true });
  assert.equal(noticesHeard(withPrompting({ '*': {} }), false), { RESIZE: false, TERMINAL_TYPE: false });
  // A partial wildcard matches dotted types only.
  assert.is(machineActsOn(withRoot({ 'TERMINAL.*': { actions: () => {} } }), 'TERMINAL_TYPE'), false);
  assert.is(machineActsOn(withRoot({ 'TERMINAL_TYPE.*': { actions: () => {} } }), 'TERMINAL_TYPE.x'), true);
});

/** Logs in over telnet as `term` and resizes once at the prompt; the chart's guard counts what it was sent. */
async function session(machine: ReturnType<typeof withRoot>, inspect?: (event: InspectionEvent) => void) {
  const srv = await startDemo({}, { sessionMachine: machine, inspect });
  const client = await TelnetTestClient.connect(srv.port, { term: 'VT220' });
  try {
    await client.waitFor('Username: ');
    client.send('ann\r\n');
    await client.waitFor('TestServer> ');
    client.resize(100, 40);
    const from = client.screen.length;
    client.send('info\r\n');
    await client.waitFor(/Width: 100, height: 40/, { from });
  } finally {
    client.close();
    await srv.stop();
  }
}

test('over telnet: a chart that acts on TERMINAL_TYPE gets it (and not RESIZE); the facts reach the handler either way', async () => {
  const seen: string[] = [];
  // The guard runs only when the event is sent; a guard alone is no transition that acts.
  const machine = withRoot({
    TERMINAL_TYPE: { actions: ({ event }: { event: { term?: string } }) => seen.push(`type ${event.term}`) },
    RESIZE: { guard: () => (seen.push('resize'), false) },
  });
  await session(machine);
  assert.equal(seen, ['type VT220']);
});

test('over telnet with an inspector: every notice is sent, to the chart and the inspector', async () => {
  const seen: string[] = [];
  const inspected: string[] = [];
  const machine = withRoot({ RESIZE: { guard: () => (seen.push('resize'), false) }, TERMINAL_TYPE: { guard: () => (seen.push('type'), false) } });
  await session(machine, (event) => {
    if (event.type === '@xstate.event' && (event.event.type === 'RESIZE' || event.event.type === 'TERMINAL_TYPE')) inspected.push(event.event.type);
  });
  assert.equal(seen, ['type', 'resize']);
  assert.equal(inspected, ['TERMINAL_TYPE', 'RESIZE']);
});

test.run();
