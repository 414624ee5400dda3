// The one message cut (a session's and the server's before a message crosses processes): at the
// limit and one past it, never half a surrogate pair, and a cut text is not cut again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cutMessage } from '../../src/text/messageCut.js';
import { busBytesFor } from '../../src/scale/bus.js';

test('at the limit as it is; one past: cut with the count; a cut text passes again unchanged', () => {
  assert.is(cutMessage('abcde', 5), 'abcde');
  assert.is(cutMessage('abcdef', 5), 'abcde [... 1 characters cut]');
  const once = cutMessage('x'.repeat(100), 10);
  assert.is(once, `${'x'.repeat(10)} [... 90 characters cut]`);
  assert.is(cutMessage(once, 10), once);
  // Before a surrogate pair's second half: the cut is one earlier, and still recognised later.
  const pair = cutMessage(`${'x'.repeat(9)}😀yyyy`, 10);
  assert.is(pair, `${'x'.repeat(9)} [... 6 characters cut]`);
  assert.is(cutMessage(pair, 10), pair);
  // A note somewhere else is text like any other: cut.
  const fake = `${'x'.repeat(3)} [... 1 characters cut]`;
  assert.is(cutMessage(fake, 10), `xxx [... 1 [... ${fake.length - 10} characters cut]`);
});

test('the bus carries the longest cut message in its worst JSON form', () => {
  const worst = cutMessage('\ud800'.repeat(70_000), 65_536); // lone surrogates: 6 bytes each in JSON
  const envelope = { from: 'abcdef', m: { t: 'deliver', ids: Array.from({ length: 500 }, (_, i) => `abcdef.s${1_000_000 + i}`), text: worst } };
  assert.ok(Buffer.byteLength(JSON.stringify(envelope)) <= busBytesFor(65_536));
});

test.run();
