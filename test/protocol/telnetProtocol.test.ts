import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_OPTION_CHANGES, TelnetProtocol } from '../../src/protocol/telnetProtocol.js';

function harness() {
  const log: string[] = [];
  const logLines: string[] = [];
  const sent: number[][] = [];
  const protocol = new TelnetProtocol({
    send: (bytes) => sent.push([...bytes]),
    data: (bytes) => log.push(`data ${Buffer.from(bytes).toString()}`),
    terminalType: (name) => log.push(`term ${name}`),
    windowSize: (w, h) => log.push(`size ${w}x${h}`),
    negotiated: () => log.push('negotiated'),
    interrupt: () => log.push('interrupt'),
    eraseCharacter: () => log.push('ec'),
    eraseLine: () => log.push('el'),
    log: (level, message) => logLines.push(`${level} ${message}`),
  });
  return { protocol, log, sent, logLines };
}

test('opening asks WILL ECHO, WILL SGA, DO SGA, DO TTYPE, DO NAWS in one send', () => {
  const { protocol, sent } = harness();
  protocol.start();
  assert.equal(sent, [[255, 251, 1, 255, 251, 3, 255, 253, 3, 255, 253, 24, 255, 253, 31]]);
});

test('a netkit-like client: answers, NAWS, TTYPE IS; negotiated exactly once, after TTYPE', () => {
  const { protocol, log, sent } = harness();
  protocol.start();
  protocol.receive(Uint8Array.from([255, 253, 1, 255, 253, 3, 255, 251, 3, 255, 251, 24, 255, 251, 31]));
  assert.not.ok(log.includes('negotiated'));
  assert.equal(sent.at(-1), [255, 250, 24, 1, 255, 240]); // SB TTYPE SEND
  protocol.receive(Uint8Array.from([255, 250, 31, 0, 80, 0, 24, 255, 240]));
  protocol.receive(Uint8Array.from([255, 250, 24, 0, ...Buffer.from('XTERM'), 255, 240]));
  protocol.receive(Uint8Array.from([255, 250, 31, 0, 100, 0, 40, 255, 240]));
  assert.equal(log, ['size 80x24', 'term XTERM', 'negotiated', 'size 100x40']);
  assert.is(sent.length, 2, 'no replies to answers of our own asks');
});

test('a refusing client: all WONT/DONT settle negotiation at once', () => {
  const { protocol, log } = harness();
  protocol.start();
  protocol.receive(Uint8Array.from([255, 254, 1, 255, 254, 3, 255, 252, 3, 255, 252, 24, 255, 252, 31]));
  assert.equal(log, ['negotiated']);
});

test('IP, BRK, EC, EL, AYT, TM and data', () => {
  const { protocol, log, sent } = harness();
  protocol.receive(Uint8Array.from([104, 105, 255, 244, 255, 243, 255, 247, 255, 248, 255, 246, 255, 253, 6]));
  assert.equal(log, ['data hi', 'interrupt', 'interrupt', 'ec', 'el']);
  assert.equal(Buffer.from(sent[0]!).toString(), '\r\n[yes]\r\n');
  assert.equal(sent[1], [255, 251, 6]);
});

test('NAWS before being asked is accepted', () => {
  const { protocol, log } = harness();
  protocol.receive(Uint8Array.from([255, 250, 31, 0, 90, 0, 30, 255, 240]));
  assert.equal(log, ['size 90x30']);
});

test('a peer flip-flopping an option 100,000 times gets a bounded number of replies and log lines', () => {
  const { protocol, sent, logLines } = harness();
  protocol.start();
  const flips: number[] = [];
  for (let i = 0; i < 50_000; i++) flips.push(255, 251, 31, 255, 252, 31);
  protocol.receive(Uint8Array.from(flips));
  const replies = sent.slice(1).flat().length / 3;
  assert.ok(replies <= MAX_OPTION_CHANGES, `${replies} replies`);
  assert.ok(replies >= MAX_OPTION_CHANGES - 2, 'real changes are still answered up to the limit');
  assert.ok(logLines.length <= 102, `${logLines.length} log lines`);
  assert.ok(logLines.some((line) => /further negotiation from this peer is ignored/.test(line)));
  const nops = new Array(10_000).fill([255, 241]).flat();
  protocol.receive(Uint8Array.from(nops));
  assert.ok(logLines.length <= 103, `${logLines.length} log lines after 10,000 NOPs`);
});

test.run();
