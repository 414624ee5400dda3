import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_OPTION_CHANGES } from '../../src/protocol/telnetProtocol.js';
import type { TelnetOption } from '../../src/protocol/telnetOption.js';
import { harness, sb } from '../support/protocolHarness.js';

const IAC = 255, SB = 250, SE = 240, WILL = 251, WONT = 252, DO = 253, DONT = 254;

test('opening asks WILL ECHO, WILL SGA, DO SGA, DO TTYPE, DO NAWS, then NEW-ENVIRON, BINARY both ways, CHARSET, in one send', () => {
  const { protocol, sent } = harness();
  protocol.start();
  assert.equal(sent, [[
    IAC, WILL, 1, IAC, WILL, 3, IAC, DO, 3, IAC, DO, 24, IAC, DO, 31,
    IAC, DO, 39, IAC, WILL, 0, IAC, DO, 0, IAC, WILL, 42,
  ]]);
});

test('a netkit-like client: answers, NAWS, TTYPE IS; negotiated exactly once, after TTYPE', () => {
  const { protocol, log, sent } = harness();
  protocol.start();
  protocol.receive(Uint8Array.from([255, 253, 1, 255, 253, 3, 255, 251, 3, 255, 251, 24, 255, 251, 31]));
  assert.not.ok(log.includes('negotiated'));
  assert.equal(sent.at(-1), [255, 250, 24, 1, 255, 240]); // SB TTYPE SEND
  protocol.receive(Uint8Array.from([255, 250, 31, 0, 80, 0, 24, 255, 240]));
  protocol.receive(Uint8Array.from([255, 250, 24, 0, ...Buffer.from('XTERM'), 255, 240]));
  assert.equal(sent.at(-1), [255, 250, 24, 1, 255, 240], 'asked again: TTYPE cycling');
  protocol.receive(Uint8Array.from([255, 250, 24, 0, ...Buffer.from('XTERM'), 255, 240]));
  protocol.receive(Uint8Array.from([255, 250, 31, 0, 100, 0, 40, 255, 240]));
  assert.equal(log, ['size 80x24', 'term XTERM', 'negotiated', 'size 100x40']);
  assert.is(sent.length, 3, 'no replies to answers of our own asks; a repeated name ends the cycle');
});

test('a refusing client: all WONT/DONT settle negotiation at once', () => {
  const { protocol, log } = harness();
  protocol.start();
  protocol.receive(Uint8Array.from([255, 254, 1, 255, 254, 3, 255, 252, 3, 255, 252, 24, 255, 252, 31]));
  assert.equal(log, ['echo refused', 'negotiated'], 'its DONT ECHO says it echoes itself');
});

test('DONT ECHO is a refusal when it answers WILL ECHO or turns echo off, not when it acknowledges our WONT ECHO', () => {
  const { protocol, log } = harness();
  protocol.start();
  protocol.receive(Uint8Array.from([IAC, DO, 1])); // agreed: we echo
  assert.equal(log, []);
  protocol.setServerEcho(false); // we say WONT ECHO ...
  protocol.receive(Uint8Array.from([IAC, DONT, 1])); // ... and its DONT only acknowledges it
  assert.equal(log, [], 'an acknowledgement is no refusal');
  protocol.setServerEcho(true);
  protocol.receive(Uint8Array.from([IAC, DO, 1]));
  protocol.receive(Uint8Array.from([IAC, DONT, 1])); // echo on, then turned off by the client
  assert.equal(log, ['echo refused']);
  protocol.setServerEcho(true);
  protocol.receive(Uint8Array.from([IAC, DONT, 1])); // our WILL ECHO refused: the second time too
  assert.equal(log, ['echo refused', 'echo refused']);
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

test('TTYPE cycling: every name kept, a real terminal preferred over client names and MTTS, stops on a repeat', () => {
  const { protocol, log, sent } = harness();
  protocol.start();
  protocol.receive(Uint8Array.from([IAC, WILL, 24]));
  for (const name of ['MUDLET', 'XTERM-256COLOR', 'MTTS 137']) protocol.receive(Uint8Array.from(sb(24, 0, name)));
  const asks = sent.filter((bytes) => bytes.join() === [IAC, SB, 24, 1, IAC, SE].join()).length;
  assert.is(asks, 4, 'one SEND after WILL, one after each new name');
  protocol.receive(Uint8Array.from(sb(24, 0, 'MTTS 137')));
  assert.is(sent.filter((bytes) => bytes.join() === [IAC, SB, 24, 1, IAC, SE].join()).length, 4, 'a repeat ends it');
  assert.equal(protocol.terminalTypes, ['MUDLET', 'XTERM-256COLOR', 'MTTS 137']);
  assert.equal(log.filter((line) => line.startsWith('term')), ['term MUDLET', 'term XTERM-256COLOR', 'term XTERM-256COLOR']);
});

test('NEW-ENVIRON: asks LANG, TERM, COLUMNS, LINES (never USER); USER sent anyway is dropped; size and term fill in', () => {
  const { protocol, log, sent } = harness();
  protocol.start();
  protocol.receive(Uint8Array.from([IAC, WILL, 39]));
  const request = Buffer.from(sent.at(-1)!).toString('latin1');
  assert.ok(request.startsWith('\xff\xfa\x27\x01'), 'SB NEW-ENVIRON SEND');
  for (const name of ['LANG', 'TERM', 'COLUMNS', 'LINES']) assert.ok(request.includes(name), name);
  assert.not.ok(request.includes('USER\x00') || request.endsWith('USER\xff\xf0') || /[\x00\x03]USER/.test(request), 'USER is never asked');
  protocol.receive(Uint8Array.from(sb(39, 0, 0, 'USER', 1, 'root', 3, 'LANG', 1, 'de_DE.UTF-8', 3, 'COLUMNS', 1, '132', 3, 'LINES', 1, '50', 3, 'TERM', 1, 'vt220', 3, 'X', 1, 'a', 2, 1, 'b')));
  assert.equal(log, ['term vt220', 'size 132x50', 'env {"LANG":"de_DE.UTF-8","COLUMNS":"132","LINES":"50","TERM":"vt220","X":"a\\u0001b"}']);
});

test('NEW-ENVIRON does not override NAWS or TTYPE', () => {
  const { protocol, log } = harness();
  protocol.receive(Uint8Array.from([...sb(31, 0, 90, 0, 30), ...sb(24, 0, 'XTERM'), ...sb(39, 0, 3, 'COLUMNS', 1, '132', 3, 'LINES', 1, '50', 3, 'TERM', 1, 'vt100')]));
  assert.equal(log.filter((line) => line !== 'negotiated').slice(0, 2), ['size 90x30', 'term XTERM']);
  assert.equal(log.filter((line) => line !== 'negotiated').length, 3, 'only the environment line follows');
});

test('CHARSET: REQUEST once agreed; ACCEPTED sets the encoding; the peer\'s own REQUEST is answered', () => {
  const { protocol, log, sent } = harness();
  protocol.start();
  protocol.receive(Uint8Array.from([IAC, DO, 42]));
  assert.equal(sent.at(-1), sb(42, 1, ';UTF-8;ISO-8859-1;US-ASCII'));
  protocol.receive(Uint8Array.from(sb(42, 2, 'UTF-8')));
  protocol.receive(Uint8Array.from(sb(42, 2, 'ISO-8859-1')));
  protocol.receive(Uint8Array.from(sb(42, 1, ';KOI8-R;ISO-8859-1;UTF-8')));
  assert.equal(sent.at(-1), sb(42, 2, 'UTF-8'), 'UTF-8 chosen when offered');
  protocol.receive(Uint8Array.from(sb(42, 1, ' KOI8-R CP1252')));
  assert.equal(sent.at(-1), sb(42, 2, 'CP1252'), 'else the 8-bit set we know');
  protocol.receive(Uint8Array.from(sb(42, 1, ';KOI8-R')));
  assert.equal(sent.at(-1), sb(42, 3), 'REJECTED when nothing fits');
  protocol.receive(Uint8Array.from(sb(42, 3)));
  assert.equal(log, ['charset utf-8', 'charset latin1', 'charset utf-8', 'charset latin1']);
});

test('BINARY both ways: the client agrees with no further replies', () => {
  const { protocol, sent } = harness();
  protocol.start();
  protocol.receive(Uint8Array.from([IAC, DO, 0, IAC, WILL, 0]));
  assert.is(sent.length, 1);
});

test('GA after prompts only for a client that refused SGA; never for a silent one', () => {
  const refusing = harness();
  refusing.protocol.start();
  refusing.protocol.promptShown();
  assert.is(refusing.sent.length, 1, 'no answer yet: no GA (netcat)');
  refusing.protocol.receive(Uint8Array.from([IAC, DONT, 3]));
  refusing.protocol.promptShown();
  assert.equal(refusing.sent.at(-1), [IAC, 249]);
  const agreeing = harness();
  agreeing.protocol.start();
  agreeing.protocol.receive(Uint8Array.from([IAC, DO, 3]));
  agreeing.protocol.promptShown();
  assert.is(agreeing.sent.length, 1);
});

test('NOP keepalive, LOGOUT honoured, server echo switched for line-mode clients', () => {
  const { protocol, log, sent } = harness();
  protocol.keepAlive();
  assert.equal(sent.at(-1), [IAC, 241]);
  protocol.receive(Uint8Array.from([IAC, DO, 18]));
  assert.equal(sent.at(-1), [IAC, WILL, 18]);
  assert.ok(log.includes('logout'));
  protocol.start();
  protocol.receive(Uint8Array.from([IAC, DO, 1]));
  protocol.setServerEcho(false);
  assert.equal(sent.at(-1), [IAC, WONT, 1]);
  protocol.receive(Uint8Array.from([IAC, DONT, 1]));
  protocol.setServerEcho(true);
  assert.equal(sent.at(-1), [IAC, WILL, 1]);
});

test('an option of the user\'s own (GMCP): asked at the start, enabled, subnegotiations both ways', () => {
  const seen: string[] = [];
  const gmcp: TelnetOption = {
    option: 201,
    ask: ['local'],
    enabled: (side, context) => {
      seen.push(`on ${side}`);
      context.subnegotiate(Buffer.from('Core.Hello {}'));
    },
    subnegotiation: (data) => seen.push(`got ${Buffer.from(data).toString()}`),
  };
  const { protocol, sent } = harness([gmcp]);
  protocol.start();
  assert.equal(sent[0]!.slice(-3), [IAC, WILL, 201]);
  protocol.receive(Uint8Array.from([IAC, DO, 201, ...sb(201, 'Char.Vitals {"hp":7}')]));
  assert.equal(sent.at(-1), sb(201, 'Core.Hello {}'));
  assert.equal(seen, ['on local', 'got Char.Vitals {"hp":7}']);
  protocol.receive(Uint8Array.from([IAC, DO, 202]));
  assert.equal(sent.at(-1), [IAC, WONT, 202], 'options nobody declared are still refused');
});

test.run();
