// A real MUD client: TinTin++ (Debian's tintin++, /usr/games/tt++) in a tmux pty against the demo
// server. TinTin++ announces TTYPE TINTIN++ and never answers WONT ECHO; the password must still be
// hidden, at login and in `passwd`. The screen is read back with tmux capture-pane.
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { testNeeding } from '../support/tools.js';
import { startDemo } from '../support/demoServer.js';

const test = testNeeding('e2e/tintin', ['tintin', 'tmux']);

/** One tmux server of our own (its own socket name), so nothing else on the machine is touched. */
class Tmux {
  readonly #socket = `telnetsrv-tintin-${process.pid}-${Date.now()}`;

  tmux(...args: string[]): string {
    const result = spawnSync('tmux', ['-L', this.#socket, ...args], { encoding: 'utf8', timeout: 5000 });
    if (result.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  }

  start(command: string): void {
    this.tmux('new-session', '-d', '-s', 'tt', '-x', '120', '-y', '40', command);
  }

  /** The whole screen and its scrollback, wrapped lines joined. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-500', '-t', 'tt');
  }

  /** Types `text` and Enter, as a user would. */
  type(text: string): void {
    this.tmux('send-keys', '-t', 'tt', '-l', text);
    this.tmux('send-keys', '-t', 'tt', 'Enter');
  }

  async waitFor(pattern: string | RegExp, timeoutMs = 8000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`no ${String(pattern)} on the TinTin++ screen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  stop(): void {
    spawnSync('tmux', ['-L', this.#socket, 'kill-server'], { timeout: 5000 });
  }
}

test('TinTin++: the password is hidden at login and in passwd; what is not secret is shown', async () => {
  const demo = await startDemo({ password: 'sesame-Zq7' });
  const tmux = new Tmux();
  try {
    tmux.start(`TERM=xterm /usr/games/tt++ -e '#session demo 127.0.0.1 ${demo.port}'`);
    await tmux.waitFor('Username: ');
    tmux.type('bob');
    await tmux.waitFor('Password: ');
    tmux.type('sesame-Zq7');
    await tmux.waitFor('TestServer> ');
    tmux.type('echo visible-Kx3');
    await tmux.waitFor(/visible-Kx3\n(.|\n)*TestServer> /);
    tmux.type('passwd');
    await tmux.waitFor('New password: ');
    tmux.type('n3w-Pw9');
    await tmux.waitFor('Retype new password: ');
    tmux.type('n3w-Pw9');
    const screen = await tmux.waitFor('Password changed');
    // The control: TinTin++ shows what it is not told to hide (its own echo of the typed line).
    assert.match(screen, /Username: bob/, `the username is echoed by TinTin++ itself:\n${screen}`);
    assert.match(screen, /TestServer> echo visible-Kx3/, 'so is a command');
    assert.not.match(screen, /sesame-Zq7/, `the login password is hidden:\n${screen}`);
    assert.not.match(screen, /n3w-Pw9/, `the new password is hidden, both times:\n${screen}`);
    const session = demo.server.sessions[0];
    assert.ok(session && session.username === 'bob', 'logged in as bob');
    assert.ok(demo.log.some((line) => line.includes('session started for "bob"')));
  } finally {
    tmux.stop();
    await demo.stop();
  }
});

test.run();
