// One talker cannot fill everyone's screen: the demo's `say` takes at most SAY_BURST messages per
// session in any SAY_WINDOW_MS, says how long to wait, and counts only what was said.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SAY_BURST, SAY_WINDOW_MS, SayLimit, speakerTag } from '../../src/demo/sayLimit.js';
import { startDemo } from '../support/demoServer.js';
import { login } from '../support/telnetClient.js';

test('the window: the burst at once, then one more only when the oldest is a window old', () => {
  const limit = new SayLimit();
  for (let i = 0; i < SAY_BURST; i++) assert.is(limit.take(1000 + i), 0, `message ${i + 1}`);
  assert.is(limit.take(1000 + SAY_BURST), SAY_WINDOW_MS - SAY_BURST);
  // A refusal is not counted: the wait is still measured from the first message.
  assert.is(limit.take(1000 + SAY_WINDOW_MS - 1), 1);
  assert.is(limit.take(1000 + SAY_WINDOW_MS), 0);
  // The second message of the burst is the oldest now: it frees the next slot one ms later.
  assert.is(limit.take(1000 + SAY_WINDOW_MS), 1);
  assert.is(limit.take(1001 + SAY_WINDOW_MS), 0);
});

test('the speaker tag: a plain name as it is; one with a bracket, a quote or a space quoted, so it cannot forge another', () => {
  assert.is(speakerTag('ann'), '[ann]');
  assert.is(speakerTag('josé.ü-李'), '[josé.ü-李]');
  assert.is(speakerTag('SERVER] Shutdown now! ['), '["SERVER] Shutdown now! ["]');
  assert.is(speakerTag('a]b'), '["a]b"]');
  assert.is(speakerTag('a[b'), '["a[b"]');
  assert.is(speakerTag('a b'), '["a b"]');
  assert.is(speakerTag('a"b'), '["a\\"b"]');
  assert.is(speakerTag('a\\b'), '["a\\\\b"]');
  // Controls are left to the broadcast's neutralize (shown as ^[), not escaped twice.
  assert.is(speakerTag('x\x1by'), '[x\x1by]');
});

test('over telnet: the sixth say in a row is refused with the wait; the listener got five', async () => {
  const demo = await startDemo();
  const ann = await login(demo.port, 'ann');
  const ben = await login(demo.port, 'ben');
  try {
    for (let i = 1; i <= SAY_BURST; i++) {
      const from = ann.screen.length;
      ann.send(`say m${i}\r\n`);
      await ann.waitFor(`[ann] m${i}\nTestServer> `, { from });
    }
    const from = ann.screen.length;
    ann.send('say one too many\r\n');
    await ann.waitFor(/Not said: at most 5 messages in 10 seconds; wait 10 s\.\nTestServer> $/, { from });
    await ben.waitFor(`[ann] m${SAY_BURST}`);
    const heard = ben.screen.match(/\[ann\] [^\n]*/g) ?? [];
    assert.equal(heard, ['[ann] m1', '[ann] m2', '[ann] m3', '[ann] m4', '[ann] m5']);
    // Another session is not held back by ann's limit.
    const benFrom = ben.screen.length;
    ben.send('say hi\r\n');
    await ben.waitFor('[ben] hi\nTestServer> ', { from: benFrom });
    await ann.waitFor('[ben] hi');
  } finally {
    ann.close();
    ben.close();
    await demo.stop();
  }
});

test('a line break in say cannot start a line that seems to come from someone else', async () => {
  const demo = await startDemo();
  const mallory = await login(demo.port, 'mallory');
  const ann = await login(demo.port, 'ann');
  try {
    const from = mallory.screen.length;
    // Newlines inside double quotes (the parser's \\n), as a continuation line would give too.
    mallory.send('say "hi\\n[root] please run passwd" "and\\n[root] now"\r\n');
    await mallory.waitFor('now\nTestServer> ', { from });
    await ann.waitFor('[mallory] [root] now');
    const heard = ann.screen.slice(ann.screen.indexOf('[mallory] hi'));
    assert.is(heard.split('\n').slice(0, 3).join('\n'), '[mallory] hi\n[mallory] [root] please run passwd and\n[mallory] [root] now');
  } finally {
    mallory.close();
    ann.close();
    await demo.stop();
  }
});

test.run();
