import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { InspectionEvent } from 'xstate';
import { startDemo } from '../support/demoServer.js';
import { TelnetTestClient } from '../support/telnetClient.js';

/** Every string reachable from `value` (skipping live objects such as the session host). */
function strings(value: unknown, out: string[] = [], depth = 0, seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') out.push(value);
  if (!value || typeof value !== 'object' || depth > 6 || seen.has(value)) return out;
  seen.add(value);
  for (const [key, child] of Object.entries(value)) {
    if (key === 'host' || key === 'actorRef' || key === 'sourceRef' || key === '_parent') continue;
    strings(child, out, depth + 1, seen);
  }
  return out;
}

test('an inspect observer sees the supervisor and every session; secrets are redacted', async () => {
  const seen: InspectionEvent[] = [];
  const demo = await startDemo({ password: 'sesame' }, { inspect: (event) => seen.push(event) });
  const client = await TelnetTestClient.connect(demo.port);
  try {
    await client.waitFor('Username: ');
    client.send('ann\r\n');
    await client.waitFor('Password: ');
    client.send('sesame\r\n');
    await client.waitFor('TestServer> ');
    client.send('passwd\r\n');
    await client.waitFor('New password: ');
    client.send('hunter2\r\n');
    await client.waitFor('Retype new password: ');
    const from = client.screen.length;
    client.send('hunter2\r\n');
    await client.waitFor('TestServer> ', { from });
    const leaks = seen.filter((event) => strings(event).some((t) => t.includes('sesame') || t.includes('hunter2')));
    assert.equal(leaks.map((e) => e.type), [], 'inspection events carrying a secret');
    const actors = new Set(seen.map((event) => (event.actorRef as { id?: string }).id));
    assert.ok(actors.has('supervisor'), [...actors].join(' '));
    assert.ok([...actors].some((id) => /^s\d+$/.test(id ?? '')), [...actors].join(' '));
    const lines = seen.filter((e) => e.type === '@xstate.event' && (e.event as { type: string }).type === 'LINE');
    assert.ok(lines.length >= 4);
    const all = seen.flatMap((event) => strings(event));
    assert.not.ok(all.some((text) => text.includes('sesame') || text.includes('hunter2')), 'secret leaked');
    assert.ok(all.includes('********'));
    assert.ok(all.includes('ann'), 'ordinary lines are not redacted');
  } finally {
    client.close();
    await demo.stop();
  }
});

test('a message is an event the inspector sees: at the supervisor, then at the session actor it reached', async () => {
  const seen: InspectionEvent[] = [];
  const demo = await startDemo({}, { inspect: (event) => seen.push(event), negotiationTimeoutMs: 50 });
  const client = await TelnetTestClient.connect(demo.port);
  try {
    await client.waitFor('Username: ');
    client.send('ann\r\n');
    await client.waitFor('TestServer> ');
    const id = demo.server.sessions[0]!.id;
    assert.is(demo.server.broadcast('hello all'), 1);
    const messages = seen
      .flatMap((e) => (e.type === '@xstate.event' && e.event.type === 'MESSAGE' ? [e] : []))
      .map((e) => [(e.actorRef as { id?: string }).id, (e.event as { text?: string }).text]);
    assert.equal(messages, [
      ['supervisor', 'hello all'],
      [id, 'hello all'],
    ]);
  } finally {
    client.close();
    await demo.stop();
  }
});

test.run();
