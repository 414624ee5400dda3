// Clients as they really behave, byte by byte over a socket: MUD clients, Windows telnet, PuTTY's bare
// CR, NAWS volunteered early, an 8-bit charset, GA for clients that refuse SGA, LOGOUT, keepalive,
// colour by terminal type, and an option of the handler's own.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { Wakeups } from '../support/wakeups.js';
import { startDemo, startServer, type RunningServer } from '../support/demoServer.js';
import { TelnetHandler } from '../../src/handler.js';
import { command } from '../../src/shell/command.js';
import type { TelnetOption } from '../../src/protocol/telnetOption.js';

const IAC = 255, SB = 250, SE = 240, WILL = 251, WONT = 252, DO = 253, DONT = 254, GA = 249, NOP = 241;
const ECHO = 1, SGA = 3, TTYPE = 24, NAWS = 31, CHARSET = 42, LOGOUT = 18;

/** A client with no built-in behaviour: it sends what the test says and keeps every byte it gets. */
class RawClient {
  bytes: number[] = [];
  closed = false;
  readonly #socket: net.Socket;
  readonly #wakeups = new Wakeups();
  /** Replies sent automatically when a byte sequence arrives (a scripted client's reflexes). */
  readonly #reflexes: Array<[number[], () => Array<number | string>]> = [];

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on('data', (chunk) => {
      const start = this.bytes.length;
      this.bytes.push(...chunk);
      for (const [trigger, reply] of this.#reflexes) {
        // Once per occurrence that ends in this chunk.
        for (let at = Math.max(0, start - trigger.length + 1); (at = indexOf(this.bytes, trigger, at)) >= 0; at++) this.send(reply());
      }
      this.#wakeups.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wakeups.wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Answers every `trigger` with `reply` (a function: a different answer each time). */
  on(trigger: number[], reply: Array<number | string> | (() => Array<number | string>)): this {
    this.#reflexes.push([trigger, typeof reply === 'function' ? reply : () => reply]);
    return this;
  }

  /** Answers DO TTYPE and each SEND with the next name of `cycle` (the last one repeats). */
  answerTerminalTypes(cycle: readonly string[]): { asked: number } {
    const count = { asked: 0 };
    this.on([IAC, DO, TTYPE], [IAC, WILL, TTYPE]);
    this.on(SEND_TTYPE, () => ttypeIs(cycle[Math.min(count.asked++, cycle.length - 1)]!));
    return count;
  }

  send(data: Array<number | string>): void {
    this.#socket.write(Buffer.from(bytes(data)));
  }

  /** The bytes as latin1 text, telnet commands left in (for byte-level checks). */
  get text(): string {
    return Buffer.from(this.bytes).toString('latin1');
  }

  async waitFor(pattern: number[] | string | RegExp, from = 0, timeoutMs = 3000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at =
        typeof pattern === 'string' ? this.text.indexOf(pattern, from) : pattern instanceof RegExp ? this.text.slice(from).search(pattern) : indexOf(this.bytes, pattern, from);
      if (at >= 0) return pattern instanceof RegExp ? from + at : at;
      if (this.closed || Date.now() > deadline) throw new Error(`no ${String(pattern)} in ${JSON.stringify(this.text.slice(from))}`);
      await this.#wakeups.next(deadline - Date.now());
    }
  }

  close(): void {
    this.#socket.destroy();
  }
}

function bytes(parts: Array<number | string>): number[] {
  return parts.flatMap((part) => (typeof part === 'string' ? [...Buffer.from(part, 'latin1')] : [part]));
}

function indexOf(haystack: number[], needle: number[], from: number): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const ttypeIs = (name: string) => [IAC, SB, TTYPE, 0, name, IAC, SE];
const SEND_TTYPE = [IAC, SB, TTYPE, 1, IAC, SE];

/** Runs `body` with a raw client connected to the server `starting` brings up; both are stopped after. */
async function withClient(starting: Promise<RunningServer>, body: (client: RawClient, server: RunningServer) => Promise<void>): Promise<void> {
  const server = await starting;
  const client = await RawClient.connect(server.port);
  try {
    await body(client, server);
  } finally {
    client.close();
    await server.stop();
  }
}

/** The last ECHO negotiation the server sent before byte `at`: 'WILL', 'WONT', or null for none. */
function lastEchoBefore(client: RawClient, at: number): 'WILL' | 'WONT' | null {
  for (let i = Math.min(at, client.bytes.length) - 3; i >= 0; i--) {
    if (client.bytes[i] === IAC && client.bytes[i + 2] === ECHO && (client.bytes[i + 1] === WILL || client.bytes[i + 1] === WONT)) {
      return client.bytes[i + 1] === WILL ? 'WILL' : 'WONT';
    }
  }
  return null;
}

for (const answersWont of [true, false]) {
  test(`a MUD client (TTYPE Mudlet${answersWont ? '' : ', never answering WONT ECHO, as TinTin++'}): WONT ECHO before the username and command prompts, WILL ECHO before the password prompt`, async () => {
    await withClient(startDemo({ password: 'sesame' }), async (client) => {
      client.answerTerminalTypes(['Mudlet']);
      // As MUD clients do: agree to whatever echo the server says (WILL ECHO means "hide the input").
      client.on([IAC, WILL, ECHO], [IAC, DO, ECHO]);
      if (answersWont) client.on([IAC, WONT, ECHO], [IAC, DONT, ECHO]);
      client.send([IAC, DO, SGA]);
      const wont = await client.waitFor([IAC, WONT, ECHO]);
      let at = await client.waitFor('Username: ', wont);
      assert.is(lastEchoBefore(client, at), 'WONT', 'at the username prompt the client echoes');
      client.send(['bob\r\n']);
      at = await client.waitFor('Password: ', at);
      assert.is(lastEchoBefore(client, at), 'WILL', 'at the password prompt the client hides what is typed');
      client.send(['sesame\r\n']);
      at = await client.waitFor('TestServer> ', at);
      assert.is(lastEchoBefore(client, at), 'WONT', 'at the command prompt the client echoes again');
      client.send(['echo hello mud\r\n']);
      const reply = await client.waitFor('hello mud', at);
      assert.is(client.text.slice(at + 'TestServer> '.length, reply), '', 'the typed line is not echoed back');
      at = await client.waitFor('TestServer> ', reply);
      assert.is(lastEchoBefore(client, at), 'WONT', 'the second command prompt too');
      client.send(['passwd\r\n']);
      at = await client.waitFor('New password: ', at);
      assert.is(lastEchoBefore(client, at), 'WILL', 'a readLine with echo off is secret too');
      client.send(['pw\r\n']);
      at = await client.waitFor('Retype new password: ', at);
      assert.is(lastEchoBefore(client, at), 'WILL', 'and the second one');
      client.send(['pw\r\n']);
      at = await client.waitFor('TestServer> ', at);
      assert.is(lastEchoBefore(client, at), 'WONT');
      assert.not.match(client.text.slice(0, client.text.indexOf('Password: ')), /bob/, 'the username is not echoed');
      assert.not.match(client.text, /sesame/, 'nor the password');
    });
  });
}

test('a MUD client that answers no ECHO request at all: WILL ECHO before the password; the WONT after it follows within the answer timeout', async () => {
  await withClient(startDemo({ password: 'sesame' }), async (client) => {
    client.answerTerminalTypes(['Mudlet']);
    let at = await client.waitFor('Username: ');
    client.send(['bob\r\n']);
    at = await client.waitFor('Password: ', at);
    assert.is(lastEchoBefore(client, at), 'WILL');
    const password = at;
    client.send(['sesame\r\n']);
    at = await client.waitFor('TestServer> ', at);
    // The WONT comes once the WILL is taken as settled (ANSWER_TIMEOUT_MS after it): after the prompt
    // when the login was quick, before it when the login itself took that long (a loaded machine).
    const wont = await client.waitFor([IAC, WONT, ECHO], password, 5000);
    assert.ok(wont > password, 'the WONT waited for the overdue answer to the WILL, then came');
    assert.not.match(client.text, /sesame/);
  });
});

test('a client that refuses our ECHO (DONT ECHO) shows what it types itself: nothing typed is echoed back; WILL ECHO is asked again before the password', async () => {
  await withClient(startDemo({ password: 'sesame' }), async (client) => {
    client.answerTerminalTypes(['XTERM']);
    // A line-mode client that keeps its own local echo: every WILL ECHO is refused.
    client.on([IAC, WILL, ECHO], [IAC, DONT, ECHO]);
    let at = await client.waitFor('Username: ');
    client.send(['bob\r\n']);
    at = await client.waitFor('Password: ', at);
    assert.is(lastEchoBefore(client, at), 'WILL', 'asked again to hide the password (the client may still refuse)');
    assert.is(client.text.slice(0, at).indexOf('bob'), -1, 'the username typed is not echoed back');
    client.send(['sesame\r\n']);
    at = await client.waitFor('TestServer> ', at);
    client.send(['echo abc\r\n']);
    const next = await client.waitFor('TestServer> ', at + 1);
    assert.is(client.text.slice(at + 'TestServer> '.length, next), 'abc\r\n', 'only the output, no echo of the typed line');
    assert.not.match(client.text, /sesame/, 'nor the password');
    client.send(['echo def\r\n']);
    const third = await client.waitFor('TestServer> ', next + 1);
    assert.is(client.text.slice(next + 'TestServer> '.length, third), 'def\r\n', 'the second line too');
  });
});

test('a terminal (TTYPE XTERM): the server echoes throughout, WILL ECHO before every prompt', async () => {
  await withClient(startDemo({ password: 'sesame' }), async (client) => {
    client.answerTerminalTypes(['XTERM']);
    client.on([IAC, WILL, ECHO], [IAC, DO, ECHO]);
    let at = await client.waitFor('Username: ');
    assert.is(lastEchoBefore(client, at), 'WILL');
    client.send(['bob\r\n']);
    at = await client.waitFor('Password: ', at);
    assert.is(lastEchoBefore(client, at), 'WILL');
    client.send(['sesame\r\n']);
    at = await client.waitFor('TestServer> ', at);
    assert.is(lastEchoBefore(client, at), 'WILL');
    assert.is(indexOf(client.bytes, [IAC, WONT, ECHO], 0), -1, 'never WONT ECHO');
    assert.not.match(client.text, /sesame/);
  });
});

test('Windows telnet: TTYPE cycle ANSI, VT100, VT52, VTNT; CR LF and ^H; term stays ANSI', async () => {
  await withClient(startDemo(), async (client) => {
    const cycle = client.answerTerminalTypes(['ANSI', 'VT100', 'VT52', 'VTNT']);
    client.on([IAC, DO, NAWS], [IAC, WILL, NAWS, IAC, SB, NAWS, 0, 120, 0, 30, IAC, SE]);
    await client.waitFor('Username: ');
    client.send(['win\r\n']);
    const at = await client.waitFor('TestServer> ');
    client.send(['infox\x08\r\n']);
    await client.waitFor(/terminal type: ANSI/, at);
    await client.waitFor(/Width: 120, height: 30/, at);
    assert.is(cycle.asked, 5, 'asked until the name repeated');
  });
});

test("PuTTY's bare CR and a client that volunteers NAWS before being asked", async () => {
  await withClient(startDemo(), async (client) => {
    client.send([IAC, WILL, NAWS, IAC, SB, NAWS, 0, 99, 0, 33, IAC, SE]);
    await client.waitFor('Username: ');
    client.send(['putty\r']);
    const at = await client.waitFor('TestServer> ');
    client.send(['echo one\r']);
    const one = await client.waitFor('one\r\n', at + 10);
    client.send(['info\r']);
    await client.waitFor(/Width: 99, height: 33/, one);
    assert.not.match(client.text, /Unknown command/);
  });
});

test('CHARSET: a client that accepts ISO-8859-1 gets latin1 out and is read as latin1', async () => {
  await withClient(startDemo(), async (client) => {
    client.on([IAC, WILL, CHARSET], [IAC, DO, CHARSET]).on([IAC, SB, CHARSET, 1], [IAC, SB, CHARSET, 2, 'ISO-8859-1', IAC, SE]);
    await client.waitFor('Username: ');
    client.send(['jos\xe9\r\n']);
    const at = await client.waitFor('TestServer> ');
    assert.ok(client.text.includes('Hello jos\xe9!'), 'é went out as the single byte 0xE9');
    client.send(['echo caf\xe9 \u00ff\xff\r\n']);
    await client.waitFor('caf\xe9 \xff\xff', at);
  });
});

test('UTF-8 input split between TCP packets, after plain ASCII, comes out whole', async () => {
  await withClient(startDemo(), async (client) => {
    await client.waitFor('Username: ');
    client.send(['ann\r\n']);
    const at = await client.waitFor('TestServer> ');
    const pause = () => new Promise((resolve) => setTimeout(resolve, 30));
    client.send(['echo caf', 0xc3]);
    await pause();
    client.send([0xa9, 0x20, 0xe6, 0x97]);
    await pause();
    client.send([0xa5, '\r\n']);
    // The echo and the answer, as UTF-8 bytes (the client reads bytes as latin1 text).
    await client.waitFor(Buffer.from('\r\ncafé 日\r\n').toString('latin1'), at);
  });
});

test('GA after each prompt for a client that refuses SGA; LOGOUT ends the session', async () => {
  let ended = 0;
  class Plain extends TelnetHandler {
    override sessionEnd() {
      ended++;
    }
  }
  await withClient(startServer(Plain, { negotiationTimeoutMs: 50 }), async (client) => {
    client.send([IAC, DONT, SGA]);
    const prompt = await client.waitFor('Telnet Server> ');
    await client.waitFor([IAC, GA], prompt);
    client.send([IAC, DO, LOGOUT]);
    await client.waitFor([IAC, WILL, LOGOUT]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(client.closed, 'the server closed the connection');
    assert.is(ended, 1);
  });
});

test('keepalive: IAC NOP every keepAliveMs, off by default', async () => {
  const srv = await startServer(TelnetHandler, { keepAliveMs: 50, negotiationTimeoutMs: 50 });
  const quiet = await startServer(TelnetHandler, { negotiationTimeoutMs: 50 });
  const client = await RawClient.connect(srv.port);
  const other = await RawClient.connect(quiet.port);
  try {
    const prompt = await client.waitFor('Telnet Server> ');
    await client.waitFor([IAC, NOP], prompt);
    await other.waitFor('Telnet Server> ');
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.is(indexOf(other.bytes, [IAC, NOP], 0), -1);
  } finally {
    client.close();
    other.close();
    await srv.stop();
    await quiet.stop();
  }
});

test('the TTYPE list reaches the handler: terminalTypes, and term the best of them', async () => {
  class Types extends TelnetHandler {
    @command('types')
    types() {
      this.writeResponse(`${this.terminalTypes.join(',')} -> ${this.term}`);
    }
  }
  await withClient(startServer(Types, { negotiationTimeoutMs: 50 }), async (client) => {
    client.answerTerminalTypes(['Mudlet', 'XTERM-256COLOR', 'MTTS 137']);
    const at = await client.waitFor('Telnet Server> ');
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.send(['types\r\n']);
    await client.waitFor('Mudlet,XTERM-256COLOR,MTTS 137 -> XTERM-256COLOR', at);
  });
});

test('colour only where the terminal shows it: red errors for xterm, plain for dumb', async () => {
  const srv = await startServer(TelnetHandler, { negotiationTimeoutMs: 50 });
  try {
    for (const [term, coloured] of [['xterm-256color', true], ['dumb', false], ['vt100', false]] as const) {
      const client = await RawClient.connect(srv.port);
      client.answerTerminalTypes([term]);
      const at = await client.waitFor('Telnet Server> ');
      client.send(['nosuch\r\n']);
      const error = await client.waitFor("Unknown command 'NOSUCH'", at);
      assert.is(client.text.slice(error - 5, error) === '\x1b[31m', coloured, term);
      client.close();
    }
  } finally {
    await srv.stop();
  }
});

test("an option of the handler's own (GMCP) negotiated and used over the wire", async () => {
  class Mud extends TelnetHandler {
    override telnetOptions(): TelnetOption[] {
      return [
        {
          option: 201,
          ask: ['local'],
          enabled: (_side, context) => context.subnegotiate(Buffer.from('Core.Hello {"server":"demo"}')),
          subnegotiation: (data) => this.writeMessage(`gmcp: ${Buffer.from(data).toString()}`),
        },
      ];
    }
    @command('hp')
    hp() {
      this.writeResponse('7');
    }
  }
  await withClient(startServer(Mud, { negotiationTimeoutMs: 50 }), async (client) => {
    await client.waitFor([IAC, WILL, 201]);
    client.send([IAC, DO, 201]);
    await client.waitFor([IAC, SB, 201, ...bytes(['Core.Hello {"server":"demo"}']), IAC, SE]);
    const prompt = await client.waitFor('Telnet Server> ');
    client.send([IAC, SB, 201, 'Char.Vitals {"hp":7}', IAC, SE]);
    await client.waitFor('gmcp: Char.Vitals {"hp":7}', prompt);
  });
});

test.run();
