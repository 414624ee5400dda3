// Type-ahead yields per connection: a session running command after command in one turn waits for
// the next turn past inputMsPerTurn of its own work; other sessions' work in the same turn does not
// count against it (with a thousand sessions sending a command each, none has to wait a turn).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { InspectionEvent } from 'xstate';
import { InputPacer, nextTurn, PROCESS_INPUT_MS_PER_TURN, processWorkMs, startWork, workBusyMs, workShouldYield } from '../../src/transports/inputPacer.js';
import { TelnetHandler } from '../../src/handler.js';
import { command } from '../../src/shell/command.js';
import { startServer } from '../support/demoServer.js';
import { TelnetTestClient } from '../support/telnetClient.js';

function burn(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

test('type-ahead run outside the pacer (after a promise command) counts against the process budget and yields past it', async () => {
  await nextTurn();
  const owner = {};
  const before = processWorkMs();
  startWork(owner);
  burn(PROCESS_INPUT_MS_PER_TURN + 1);
  assert.ok(workShouldYield(owner, 1000), 'its own budget (1 s) has room, the process budget has not: it waits a turn');
  assert.ok(processWorkMs() - before >= PROCESS_INPUT_MS_PER_TURN + 1, `its time is counted: ${processWorkMs() - before}`);
  await nextTurn();
  startWork(owner);
  assert.not.ok(workShouldYield(owner, 1000), 'a short command in a fresh turn goes on');
  startWork(owner);
  burn(3);
  assert.ok(workShouldYield(owner, 2), 'past its own budget it waits, as before');
});

test('inside a pacer slice the pacer keeps the process budget: a command there does not yield for it (no promise per command)', async () => {
  await nextTurn();
  const owner = {};
  let yielded: boolean | null = null;
  const before = processWorkMs();
  const pacer = new InputPacer({ pause() {}, resume() {} }, () => {
    startWork(owner);
    burn(PROCESS_INPUT_MS_PER_TURN + 1);
    yielded = workShouldYield(owner, 1000);
  });
  const started = performance.now();
  pacer.push(Buffer.from('x'));
  // Against the slice's own wall time: a loaded machine stretches the slice, never the count past it.
  const wall = performance.now() - started;
  assert.is(yielded, false);
  const counted = processWorkMs() - before;
  assert.ok(counted >= PROCESS_INPUT_MS_PER_TURN + 1, 'the slice was counted by the pacer, once');
  assert.ok(counted <= wall + 0.01, `not twice: ${counted.toFixed(2)} ms counted for ${wall.toFixed(2)} ms of work`);
});

test('workBusyMs counts one owner from its first piece of work in the turn', async () => {
  const a = {};
  const b = {};
  await nextTurn();
  assert.is(workBusyMs(a), 0, 'nothing started: not busy');
  startWork(a);
  burn(3);
  assert.ok(workBusyMs(a) >= 3, 'its own work counts');
  startWork(a);
  assert.ok(workBusyMs(a) >= 3, 'a second piece in the same turn goes on counting from the first');
  assert.is(workBusyMs(b), 0, "someone else's work does not count against b");
  startWork(b);
  assert.ok(workBusyMs(b) < 3, 'b counts from its own start');
  assert.is(workBusyMs(a), 0, 'work of b came in between: a starts afresh');
  startWork(b);
  burn(1);
  await nextTurn();
  assert.is(workBusyMs(b), 0, 'a new turn: a new budget');
});

class Burner extends TelnetHandler {
  override prompt = '$ ';
  override authNeedUser = false;
  override authNeedPass = false;
  @command('burn')
  burn(): void {
    burn(3);
    this.writeResponse('burnt');
  }
}

/** Types `count` burn commands ahead in one write; the COMMAND_DONE events its session saw (each a yield). */
async function typeAhead(count: number, inputMsPerTurn: number): Promise<{ done: number; screen: string }> {
  let done = 0;
  let sessionId = '';
  const inspect = (event: InspectionEvent) => {
    if (event.type === '@xstate.event' && (event.actorRef as { id?: string }).id === sessionId && event.event.type === 'COMMAND_DONE') done++;
  };
  const server = await startServer(Burner, { negotiationTimeoutMs: 50, inspect, inputMsPerTurn });
  const client = await TelnetTestClient.connect(server.port);
  try {
    await client.waitFor('$ ');
    sessionId = server.server.sessions[0]!.id;
    const from = client.screen.length;
    client.send('burn\r\n'.repeat(count));
    let at = from;
    for (let i = 0; i < count; i++) at = (await client.waitFor('burnt\n$ ', { from: at })) + 1;
    return { done, screen: client.screen.slice(from) };
  } finally {
    client.close();
    await server.stop();
  }
}

test('type-ahead past the budget yields: some commands end by COMMAND_DONE after a turn; every one is answered in order', async () => {
  const { done, screen } = await typeAhead(8, 2.5);
  // Each command alone is past the budget: however the lines are split into reads, some wait a turn.
  assert.ok(done >= 1, `8 commands of 3 ms each against 2.5 ms a turn: at least one waited for the next turn (${done})`);
  assert.is(screen, 'burn\nburnt\n$ '.repeat(8));
});

test('type-ahead within the budget runs in one turn: no command waits for the next', async () => {
  const { done, screen } = await typeAhead(8, 60_000);
  assert.is(done, 0);
  assert.is(screen, 'burn\nburnt\n$ '.repeat(8));
});

test.run();
