// Real clients driven by `expect` against the demo server: Debian's `telnet` (on Debian 12 the
// `telnet` package is inetutils' client; netkit's is no longer packaged) and PuTTY's `plink -telnet`.
import { testNeeding } from '../support/tools.js';
import * as assert from 'uvu/assert';
import { runExpect } from '../support/run.js';
import { startDemo } from '../support/demoServer.js';

const test = testNeeding('e2e/realTelnet', ['expect', 'telnet', 'plink']);

test('netkit telnet: login, terminal type and size, a command, exit', async () => {
  const demo = await startDemo();
  try {
    const script = `
      set timeout 8
      log_user 1
      spawn telnet 127.0.0.1 ${demo.port}
      expect "Username: " {} timeout { exit 11 }
      send "alice\\r"
      expect "TestServer> " {} timeout { exit 12 }
      send "echo hello   \\"big world\\"\\r"
      expect "hello big world" {} timeout { exit 13 }
      expect "TestServer> " {} timeout { exit 14 }
      send "info\\r"
      expect -re "Width: \\[0-9\\]+, height: \\[0-9\\]+" {} timeout { exit 15 }
      expect "TestServer> " {} timeout { exit 16 }
      send "exit\\r"
      expect "Goodbye" {} timeout { exit 17 }
      expect eof {} timeout { exit 18 }
      exit 0
    `;
    const { code, output } = await runExpect(script, { TERM: 'vt220' });
    assert.is(code, 0, `expect exited ${code}; transcript:\n${output}\nserver log:\n${demo.log.join("\n")}`);
    assert.match(output, /You have connected to the test server\./);
    assert.match(output, /Hello alice!/);
    assert.match(output, /Username: alice, terminal type: vt220/i);
    // The password-less demo never asks a password.
    assert.not.match(output, /Password:/);
  } finally {
    await demo.stop();
  }
});

test('netkit telnet: the password is not echoed and a wrong one is refused', async () => {
  const demo = await startDemo({ password: 'sesame' });
  try {
    const script = `
      set timeout 8
      spawn telnet 127.0.0.1 ${demo.port}
      expect "Username: " {} timeout { exit 11 }
      send "bob\\r"
      expect "Password: " {} timeout { exit 12 }
      send "wrong-secret\\r"
      expect "Login failed." {} timeout { exit 13 }
      expect "Username: " {} timeout { exit 14 }
      send "bob\\r"
      expect "Password: " {} timeout { exit 15 }
      send "sesame\\r"
      expect "TestServer> " {} timeout { exit 16 }
      send "quit\\r"
      expect eof {} timeout { exit 17 }
      exit 0
    `;
    const { code, output } = await runExpect(script, { TERM: 'xterm' });
    assert.is(code, 0, `expect exited ${code}; transcript:\n${output}\nserver log:\n${demo.log.join("\n")}`);
    assert.not.match(output, /wrong-secret/);
    assert.not.match(output, /sesame/);
  } finally {
    await demo.stop();
  }
});

test('netkit telnet: Alt-b, Alt-f, Alt-d and Alt-Backspace edit by words', async () => {
  const demo = await startDemo();
  try {
    // "echo one two three", back two words, cut "two", type X, forward past "three", cut it back.
    const script = `
      set timeout 8
      spawn telnet 127.0.0.1 ${demo.port}
      expect "Username: " {} timeout { exit 11 }
      send "alice\\r"
      expect "TestServer> " {} timeout { exit 12 }
      send "echo one two three\\033b\\033b\\033dX\\033f\\033f\\033\\177\\r"
      expect "\\r\\none X\\r\\n" {} timeout { exit 13 }
      expect "TestServer> " {} timeout { exit 14 }
      send "quit\\r"
      expect eof {} timeout { exit 15 }
      exit 0
    `;
    const { code, output } = await runExpect(script, { TERM: 'xterm' });
    assert.is(code, 0, `expect exited ${code}; transcript:\n${output}\nserver log:\n${demo.log.join("\n")}`);
  } finally {
    await demo.stop();
  }
});

/** Log in, complete a command with Tab, run it, resize the terminal, see the new size, exit. */
function tabAndResizeScript(spawn: string): string {
  return `
      set timeout 8
      spawn ${spawn}
      expect "Username: " {} timeout { exit 11 }
      send "alice\\r"
      expect "TestServer> " {} timeout { exit 12 }
      send "ec\\tcompleted by tab\\r"
      expect "\\ncompleted by tab" {} timeout { exit 13 }
      expect "TestServer> " {} timeout { exit 14 }
      stty rows 33 columns 101 < $spawn_out(slave,name)
      sleep 0.3
      send "info\\r"
      expect "Width: 101, height: 33" {} timeout { exit 15 }
      expect "TestServer> " {} timeout { exit 16 }
      send "exit\\r"
      expect "Goodbye" {} timeout { exit 17 }
      expect eof {} timeout { exit 18 }
      exit 0
    `;
}

for (const [name, spawn] of [
  ['telnet (inetutils)', 'telnet 127.0.0.1 PORT'],
  ['plink -telnet (PuTTY)', 'plink -telnet -P PORT 127.0.0.1'],
] as const) {
  test(`${name}: Tab completes a command, a resize reaches the session, exit`, async () => {
    const demo = await startDemo();
    try {
      const { code, output } = await runExpect(tabAndResizeScript(spawn.replace('PORT', String(demo.port))), { TERM: 'xterm' });
      assert.is(code, 0, `expect exited ${code}; transcript:\n${output}\nserver log:\n${demo.log.join('\n')}`);
      assert.match(output, /Username: alice/);
    } finally {
      await demo.stop();
    }
  });
}

test.run();
