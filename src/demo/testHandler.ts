import { TelnetHandler } from '../handler.js';
import { command } from '../shell/command.js';
import { neutralize } from '../text/sanitize.js';
import type { HandlerClass } from '../actors/session.js';
import { workerModule } from '../workers/workerModule.js';
import { MessageTooLargeError } from '../scale/bus.js';
import { SAY_BURST, SAY_WINDOW_MS, SayLimit } from './sayLimit.js';

/** The demo's CPU work, run in the server's worker threads by `crunch`. */
const crunchWorker = workerModule(import.meta.url, './crunchTask', () => import('./crunchTask.js'));
/** Longest `crunch` (seconds): a demo should not let one command hold a thread for long. */
const MAX_CRUNCH_SECONDS = 60;

export interface DemoOptions {
  /** When set, the demo asks a password too, and only this one passes. */
  password?: string | null;
}

/** The demo's `timer`: timers waiting per session, the longest message, the longest delay (a day). */
export const MAX_PENDING_TIMERS = 10;
export const MAX_TIMER_MESSAGE = 1000;
export const MAX_TIMER_SECONDS = 86_400;

/** Counts connections across sessions, as test.py's MyServer does. */
class ConnectionCounter {
  total = 0;
  readonly perUser = new Map<string, number>();
  connect(username: string): { total: number; mine: number } {
    this.total += 1;
    const mine = (this.perUser.get(username) ?? 0) + 1;
    this.perUser.set(username, mine);
    return { total: this.total, mine };
  }
}

/** The port of the seed's test.py: the handler the demo server runs. */
export function createDemoHandler(options: DemoOptions = {}): HandlerClass<TelnetHandler> {
  const counter = new ConnectionCounter();
  const demoPassword = options.password ?? null;

  class TestTelnetHandler extends TelnetHandler {
    override prompt = 'TestServer> ';
    override welcome = 'You have connected to the test server.';
    override authNeedUser = true;
    override authNeedPass = demoPassword !== null;

    override authCallback(username: string | null, password: string | null): void {
      if (!username) throw new Error('a username is required');
      if (demoPassword !== null && password !== demoPassword) throw new Error('wrong password');
    }

    override sessionStart(): void {
      const { total, mine } = counter.connect(this.username ?? '');
      this.writeLine(`Hello ${this.username}!`);
      this.writeLine(`You are connection #${total}, you have logged in ${mine} time(s).`);
    }

    /** Errors in bright red where the terminal shows colour, as test.py shows how to decorate output. */
    override writeError(text: string): void {
      if (this.colour) this.writeLine(`\x1b[91m${text}\x1b[0m`);
      else super.writeError(text);
    }

    @command(['echo', 'copy', 'repeat'], { help: '<text to echo>\nEcho text back to the console.' })
    echo(params: string[]): void {
      this.writeResponse(params.join(' '));
    }

    @command('params', {
      help: '[<params>]*\nEcho the parameters as the parser split them.\nShows the parsed parameters as JSON, to try quoting, escapes and continuation lines.',
    })
    showParams(params: string[]): void {
      this.writeResponse(`params == ${JSON.stringify(params)}`);
    }

    @command('info', { help: '\nProvides some information about the current terminal.' })
    info(): void {
      this.writeResponse(`Username: ${this.username}, terminal type: ${this.term}`);
      this.writeResponse(`Width: ${this.width}, height: ${this.height}`);
      this.writeResponse('Command history:');
      for (const line of this.history) this.writeResponse(`  ${JSON.stringify(line)}`);
    }

    @command(['timer', 'timeit'], {
      help: '<time> <message>\nIn <time> seconds, display <message>.\nSend a message after a delay.\n<time> is in seconds.\nIf <message> is more than one word, quotes are required.\nexample: > TIMER 5 "hello world!"',
    })
    timer(params: string[]): void {
      const [time, message] = params;
      const seconds = Number(time);
      if (message === undefined || time === undefined) {
        this.writeError('Need both a time and a message');
        return;
      }
      // Say what is wrong with the time itself (1e400 is Infinity, -1 is in the past).
      if (!Number.isFinite(seconds) || seconds < 0 || time.trim() === '') {
        this.writeError(`The time must be a number of seconds from 0 to ${MAX_TIMER_SECONDS}, not ${JSON.stringify(time.slice(0, 40))}`);
        return;
      }
      // Each pending timer holds its message: a few short ones per session, not thousands of long ones.
      if (seconds > MAX_TIMER_SECONDS) {
        this.writeError(`At most ${MAX_TIMER_SECONDS} seconds`);
        return;
      }
      if (message.length > MAX_TIMER_MESSAGE) {
        this.writeError(`The message may be at most ${MAX_TIMER_MESSAGE} characters`);
        return;
      }
      if (this.pendingTimers >= MAX_PENDING_TIMERS) {
        this.writeError(`You already have ${MAX_PENDING_TIMERS} timers waiting; wait for one to fire`);
        return;
      }
      this.writeResponse(`Waiting ${seconds} seconds...`);
      this.pendingTimers++;
      // Tracked by the session: cleared if the user leaves first.
      this.setTimeout(() => {
        this.pendingTimers--;
        this.writeMessage(message);
      }, seconds * 1000);
    }

    // `private`, not `#`: in a class with decorators a bundler (esbuild) makes each #field a WeakMap entry per instance.
    private pendingTimers = 0;

    @command('passwd', { help: '\nChange the password.\nAsks the new password twice, without echo.' })
    async passwd(): Promise<void> {
      const first = await this.readLine({ prompt: 'New password: ', echo: false, useHistory: false });
      const second = await this.readLine({ prompt: 'Retype new password: ', echo: false, useHistory: false });
      if (first !== second) {
        this.writeError('Passwords do not match.');
        return;
      }
      this.writeResponse('Password changed (the demo keeps no passwords).');
    }

    @command('debug', { help: '\nDisplay some debugging data' })
    debug(): void {
      this.writeResponse(`session:   ${this.sessionId}, state ${this.sessionState}`);
      this.writeResponse(`transport: ${this.transport} from ${this.remoteAddress}`);
      this.writeResponse(`terminal:  ${this.term} ${this.width}x${this.height}`);
      this.writeResponse(`input:     ${JSON.stringify(this.input)}`);
    }

    @command('who', { help: '\nList the sessions on this server (every process of it).' })
    async who(): Promise<void> {
      // Sessions come through the sanitising boundary: other users' names cannot drive this terminal.
      // ^C ends the wait (the signal), as it ends any command that awaits something.
      const sessions = await this.server.listSessions({ signal: this.signal });
      // Like Unix who: the people logged in. A connection still at the login prompts is no one yet
      // (anyone may open one); it is counted, not listed with its address.
      let connecting = 0;
      for (const session of sessions) {
        if (session.username === null) {
          connecting++;
          continue;
        }
        const me = session.id === this.sessionId ? ' (you)' : '';
        this.writeResponse(
          `${session.id.padEnd(6)} ${session.username.padEnd(12)} ${session.transport.padEnd(6)} ${session.remoteAddress}${me}`,
        );
      }
      if (connecting > 0) this.writeResponse(`and ${connecting} connecting, not logged in yet`);
    }

    // Made on the first `say`: most sessions never talk, and an idle session should hold nothing for it.
    private sayLimit: SayLimit | undefined;

    @command('say', { help: '<text>\nSay something to everyone on this server.' })
    say(params: string[]): void {
      if (params.length === 0) {
        this.writeError('Say what?');
        return;
      }
      const wait = (this.sayLimit ??= new SayLimit()).take(Date.now());
      if (wait > 0) {
        this.writeError(`Not said: at most ${SAY_BURST} messages in ${SAY_WINDOW_MS / 1000} seconds; wait ${Math.ceil(wait / 1000)} s.`);
        return;
      }
      // Each line carries the speaker's name: a line break in the text cannot start a line that
      // seems to come from someone else ("hi\n[root] please run passwd").
      const tag = `[${this.username ?? this.sessionId}]`;
      const text = params.join(' ').split(/\r\n?|\n/).map((line) => `${tag} ${line}`).join('\n');
      // Everyone else gets it as an asynchronous message (broadcast neutralises control characters);
      // the speaker sees, as the answer, exactly what they got.
      try {
        this.server.broadcast(text, (session) => session.id !== this.sessionId);
      } catch (err) {
        // Scaled out, a message has a size limit: the speaker is told; it is no server fault to log.
        if (!(err instanceof MessageTooLargeError)) throw err;
        this.writeError(`Not said: ${err.message}`);
        return;
      }
      this.writeResponse(neutralize(text, { lineBreaks: true }));
    }

    @command('crunch', {
      help: `<seconds>\nBurn CPU for <seconds> in a worker thread.\nHashes in a loop for <seconds> (at most ${MAX_CRUNCH_SECONDS}) in the server's worker pool, so the other sessions go on undisturbed, then prints how many rounds it did. ^C stops it.\nexample: > CRUNCH 2`,
    })
    async crunch(params: string[]): Promise<void> {
      const seconds = Number(params[0]);
      if (params.length !== 1 || params[0] === '' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_CRUNCH_SECONDS) {
        this.writeError(`Need a number of seconds from 0 to ${MAX_CRUNCH_SECONDS}`);
        return;
      }
      const { rounds, digest } = await this.runInWorker(crunchWorker, 'crunch', seconds);
      this.writeResponse(`crunched ${rounds} rounds in ${seconds} s (sha256 ${digest}...)`);
    }

    @command('term', { help: '\nHidden command to print the current TERM', hidden: true })
    showTerm(): void {
      this.writeResponse(this.term);
    }

    @command('hide-me', { hidden: true, help: '\nA hidden command' })
    @command(['hide-me-too', 'also-me'])
    hideMe(): void {
      this.writeResponse('You found a hidden command.');
    }
  }
  return TestTelnetHandler;
}
