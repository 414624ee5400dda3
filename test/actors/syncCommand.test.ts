// A command that returns without a promise finishes inside the macrostep its line started: the
// inspector still sees `shell.executing` (as a microstep), no COMMAND_DONE is sent, and nothing the
// command sent its own session is overtaken by the return to the prompt.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { InspectionEvent } from 'xstate';
import { startDemo, startServer } from '../support/demoServer.js';
import { login, TelnetTestClient } from '../support/telnetClient.js';
import { TelnetHandler } from '../../src/handler.js';
import { command } from '../../src/shell/command.js';
import { stateToString } from '../../src/actors/session.js';

type Seen = { type: string; actor: string; event: string; state: string };

function recorder(seen: Seen[]) {
  return (event: InspectionEvent) => {
    const actor = (event.actorRef as { id?: string }).id ?? '';
    if (!/^s\d+$/.test(actor)) return;
    const snapshot = 'snapshot' in event ? (event.snapshot as { value?: unknown }) : undefined;
    const type = 'event' in event ? (event.event as { type: string }).type : '';
    seen.push({ type: event.type, actor, event: type, state: snapshot ? stateToString(snapshot.value) : '' });
  };
}

/** The session's inspection events from `from` on. */
function after(seen: Seen[], from: number): Seen[] {
  return seen.slice(from);
}

// A turn of the event loop busy past inputMsPerTurn (a loaded machine, the inspector recording) makes
// the command wait for the next turn, which is then its end event: a budget no test turn reaches.
const UNHURRIED = { inputMsPerTurn: 60_000 };

test('a plain command: LINE -> executing -> prompting in one macrostep, executing seen as a microstep, no COMMAND_DONE', async () => {
  const seen: Seen[] = [];
  const demo = await startDemo({}, { inspect: recorder(seen), negotiationTimeoutMs: 50, ...UNHURRIED });
  const client = await login(demo.port, 'ann');
  try {
    const from = seen.length;
    const screenFrom = client.screen.length;
    client.send('echo hi\r\n');
    await client.waitFor('hi\nTestServer> ', { from: screenFrom });
    const events = after(seen, from);
    const microsteps = events.filter((e) => e.type === '@xstate.microstep').map((e) => `${e.event}:${e.state}`);
    assert.equal(microsteps, ['LINE:shell.executing', 'LINE:shell.prompting'], 'executing, then back to the prompt, both under the LINE');
    const snapshots = events.filter((e) => e.type === '@xstate.snapshot');
    assert.is(snapshots.length, 1, 'one macrostep: one snapshot');
    assert.is(snapshots[0]!.state, 'shell.prompting');
    assert.not.ok(events.some((e) => e.event === 'COMMAND_DONE'), 'a plain command sends no COMMAND_DONE');
  } finally {
    client.close();
    await demo.stop();
  }
});

test('a command returning a promise (passwd, readLine) waits in executing for COMMAND_DONE, as before', async () => {
  const seen: Seen[] = [];
  const demo = await startDemo({}, { inspect: recorder(seen), negotiationTimeoutMs: 50, ...UNHURRIED });
  const client = await login(demo.port, 'ann');
  try {
    const from = seen.length;
    client.send('passwd\r\n');
    await client.waitFor('New password: ');
    client.send('a\r\n');
    await client.waitFor('Retype new password: ');
    const screenFrom = client.screen.length;
    client.send('a\r\n');
    await client.waitFor('TestServer> ', { from: screenFrom });
    const snapshots = after(seen, from)
      .filter((e) => e.type === '@xstate.snapshot')
      .map((e) => `${e.event}:${e.state}`);
    assert.equal(snapshots, [
      'LINE:shell.executing',
      'READ_LINE:shell.awaitingLine',
      'LINE:shell.executing',
      'READ_LINE:shell.awaitingLine',
      'LINE:shell.executing',
      'COMMAND_DONE:shell.prompting',
    ]);
  } finally {
    client.close();
    await demo.stop();
  }
});

test('a plain command sees its session executing; exit says Goodbye and closes with no prompt after it', async () => {
  const demo = await startDemo({}, { negotiationTimeoutMs: 50, ...UNHURRIED });
  const client = await login(demo.port, 'ann');
  try {
    let from = client.screen.length;
    client.send('debug\r\n');
    await client.waitFor('TestServer> ', { from });
    assert.match(client.screen.slice(from), /state shell\.executing\n/);
    from = client.text.length;
    client.send('exit\r\n');
    await client.waitForClose();
    assert.is(client.text.slice(from), 'exit\r\nGoodbye\r\n', 'the END the command sent comes before any prompt');
  } finally {
    client.close();
    await demo.stop();
  }
});

test('events a plain command sends its own session are not overtaken: a message to itself comes before the prompt', async () => {
  class Talker extends TelnetHandler {
    override prompt = '$ ';
    override authNeedUser = false;
    override authNeedPass = false;
    @command('note')
    note(): void {
      this.writeMessage('a note');
      this.writeResponse('noted');
    }
    @command('ask')
    ask(): void {
      // Not awaited: the command returns at once, the read it asked for still comes first.
      this.readLine({ prompt: 'name? ', echo: true, useHistory: false }).then(
        (name) => this.writeResponse(`late ${name}`),
        () => {},
      );
    }
  }
  const server = await startServer(Talker, { negotiationTimeoutMs: 50, ...UNHURRIED });
  const client = await TelnetTestClient.connect(server.port);
  try {
    await client.waitFor('$ ');
    let from = client.text.length;
    client.send('note\r\n');
    await client.waitFor('$ ', { from: client.screen.length });
    // Sent while the chart was busy with the line, the message waits in the mailbox: after the
    // command's own output, and before the prompt (never drawn above a prompt that came first).
    assert.is(client.text.slice(from), 'note\r\nnoted\r\na note\r\n$ ', 'the message, then the prompt, once');
    from = client.text.length;
    const screenFrom = client.screen.length;
    client.send('ask\r\n');
    await client.waitFor('$ ', { from: screenFrom });
    // The read was taken in executing (awaitingLine drew its prompt), then dropped when the command's
    // end came after it: the prompt follows the abandoned one, as before commands could end at once.
    assert.is(client.text.slice(from), 'ask\r\nname? $ ');
  } finally {
    client.close();
    await server.stop();
  }
});

test('a sessionStart that returns at once: welcome seen as a microstep, on to the prompt in the same macrostep', async () => {
  const seen: Seen[] = [];
  const demo = await startDemo({}, { inspect: recorder(seen), negotiationTimeoutMs: 50, ...UNHURRIED });
  const client = await login(demo.port, 'ann');
  try {
    const welcome = seen.findIndex((e) => e.type === '@xstate.microstep' && e.state === 'welcome.running');
    assert.ok(welcome >= 0, 'the inspector sees welcome');
    const rest = seen.slice(welcome).filter((e) => e.type === '@xstate.microstep' || e.type === '@xstate.snapshot');
    assert.equal(
      rest.slice(0, 3).map((e) => `${e.type.slice(8)} ${e.event}:${e.state}`),
      [`microstep ${rest[0]!.event}:welcome.running`, `microstep ${rest[0]!.event}:shell.prompting`, `snapshot ${rest[0]!.event}:shell.prompting`],
      'welcome, then the prompt, under the same event: one snapshot',
    );
    assert.not.ok(seen.some((e) => e.event === 'COMMAND_DONE'), 'no end event for it');
    assert.match(client.screen, /Hello ann!\nYou are connection #1, you have logged in 1 time\(s\)\.\nTestServer> $/);
  } finally {
    client.close();
    await demo.stop();
  }
});

test('a sessionStart that reads a line (async) is still asked in welcome and waited for', async () => {
  class Asker extends TelnetHandler {
    override prompt = '$ ';
    override authNeedUser = false;
    override authNeedPass = false;
    override async sessionStart(): Promise<void> {
      this.writeResponse(`state ${this.sessionState}`);
      const colour = await this.readLine({ prompt: 'Colour? ', echo: true, useHistory: false });
      this.writeResponse(`You chose ${colour}.`);
    }
  }
  const server = await startServer(Asker, { negotiationTimeoutMs: 50, ...UNHURRIED });
  const client = await TelnetTestClient.connect(server.port);
  try {
    await client.waitFor('Colour? ');
    client.send('red\r\n');
    await client.waitFor('$ ');
    assert.match(client.screen, /state welcome\.running\nColour\? red\nYou chose red\.\n\$ $/);
  } finally {
    client.close();
    await server.stop();
  }
});

test.run();
