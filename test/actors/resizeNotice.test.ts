// A client's NAWS reach the terminal state one by one, but the chart hears one RESIZE per batch of
// input (with the size the batch ends at): a flood of window sizes costs one chart event per read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { InspectionEvent } from 'xstate';
import { startDemo } from '../support/demoServer.js';
import { TelnetTestClient } from '../support/telnetClient.js';

const IAC = 255, SB = 250, SE = 240, NAWS = 31;
const naws = (width: number, height: number) => [IAC, SB, NAWS, width >> 8, width & 255, height >> 8, height & 255, IAC, SE];

test('1,000 window sizes in one write: at most a few RESIZE events, the last with the last size, and info shows it', async () => {
  const resizes: { width: number; height: number }[] = [];
  const inspect = (event: InspectionEvent) => {
    if (event.type === '@xstate.event' && event.event.type === 'RESIZE') resizes.push(event.event as unknown as { width: number; height: number });
  };
  const demo = await startDemo({}, { inspect });
  const client = await TelnetTestClient.connect(demo.port);
  try {
    await client.waitFor('Username: ');
    client.send('ann\r\n');
    await client.waitFor('TestServer> ');
    const before = resizes.length;
    const flood: number[] = [];
    for (let i = 0; i < 1000; i++) flood.push(...naws(100 + (i % 50), 30 + (i % 7)));
    flood.push(...naws(123, 45));
    const from = client.screen.length;
    client.send(Uint8Array.from([...flood, ...Buffer.from('info\r\n')]));
    await client.waitFor(/Width: 123, height: 45/, { from });
    const seen = resizes.slice(before);
    assert.ok(seen.length >= 1 && seen.length <= 10, `${seen.length} RESIZE events for 1,001 sizes`);
    assert.equal(seen.at(-1), { type: 'RESIZE', width: 123, height: 45 });
  } finally {
    client.close();
    await demo.stop();
  }
});

test.run();
