// Type-ahead yields per connection: a session running command after command in one turn waits for
// the next turn past inputMsPerTurn of its own work; other sessions' work in the same turn does not
// count against it (with a thousand sessions sending a command each, none has to wait a turn).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { InspectionEvent } from 'xstate';
import { nextTurn, startWork, workBusyMs } from '../../src/transports/inputPacer.js';
import { TelnetHandler } from '../../src/handler.js';
import { command } from '../../src/shell/command.js';
import { startServer } from '../support/demoServer.js';
import { TelnetTestClient } from '../support/telnetClient.js';

function burn(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

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
