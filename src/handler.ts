import type { Socket } from 'node:net';
import { command } from './shell/command.js';
import { columns } from './terminal/columns.js';
import { TerminalState } from './terminal/terminalState.js';
import type { SessionCharset } from './protocol/charset.js';
import type { TelnetOption } from './protocol/telnetOption.js';
import { CommandRegistry } from './shell/registry.js';
import { helpDetailPage, helpPage } from './shell/helpText.js';
import { wordWrap } from './shell/wordWrap.js';
import type { ParsedInput } from './shell/parser.js';
import { attachSession, type SessionLink } from './actors/sessionLink.js';
import { defaultServerOf } from './defaultServerSlot.js';
import type { DefaultServer, ServerFacade } from './serverFace.js';
import { DEFAULT_HISTORY_LIMITS } from './terminal/history.js';
import type { WorkerArgs, WorkerFunctionName, WorkerModule, WorkerResult } from './workers/workerModule.js';
import { WorkerPoolBusy } from './workers/workerPool.js';

export interface ReadLineOptions {
  prompt?: string;
  /** False for secrets (a password, a PIN): nothing is shown, and the line never enters history. */
  echo?: boolean;
  /** Up/Down walk the history and the line is added to it (true by default; always false with echo off). */
  useHistory?: boolean;
}

export type { ServerFacade } from './serverFace.js';

/** What a handler with no session reads: the defaults (never changed: setters make a state of their own). */
const DETACHED_TERMINAL = new TerminalState();

const sessionSlot = Symbol('session');
const terminalSlot = Symbol('terminal');

// Functions, not `#private` methods: those too cost a WeakSet entry per instance once bundled.
function terminalOf(handler: TelnetHandler): TerminalState {
  return handler[terminalSlot] ?? DETACHED_TERMINAL;
}

/** A handler set up before (or without) a session gets a terminal state of its own to change. */
function ownTerminalOf(handler: TelnetHandler): TerminalState {
  return (handler[terminalSlot] ??= new TerminalState());
}

function linkOf(handler: TelnetHandler): SessionLink {
  const session = handler[sessionSlot];
  if (!session) throw new Error('this handler is not attached to a session');
  return session;
}

/**
 * Subclass this and mark methods with `@command` (or name them `cmdNAME`) to build a console.
 * One instance serves one connection, over telnet or SSH alike.
 */
export class TelnetHandler {
  // Options, as the seed names them (PROMPT, CONTINUE_PROMPT, WELCOME, TELNET_ISSUE, PROMPT_USER/PASS).
  // Their defaults are on the prototype (see HANDLER_DEFAULTS below), shared by every session; a
  // subclass's own value, or one set at run time, is the instance's own as with any field.
  declare prompt: string;
  declare continuePrompt: string;
  declare welcome: string;
  declare issue: string | null;
  declare promptUser: string;
  declare promptPass: string;
  declare authNeedUser: boolean;
  declare authNeedPass: boolean;
  /** Checks a login; throw (or reject) to deny. Without it there is no login. */
  authCallback?(username: string | null, password: string | null): void | Promise<void>;

  // Console information. The terminal's facts are read from the session's terminal state (the
  // transport fills it); setting one changes it there, within the same limits.
  /** Terminal type (TTYPE, NEW-ENVIRON TERM, SSH pty-req; `dumb` for an SSH pipe); `ansi` until told. */
  get term(): string {
    return terminalOf(this).term;
  }
  set term(term: string) {
    ownTerminalOf(this).apply({ term });
  }
  /** Every name the telnet client gave while TTYPE cycled (`term` is the best of them). */
  get terminalTypes(): readonly string[] {
    return terminalOf(this).terminalTypes;
  }
  set terminalTypes(terminalTypes: readonly string[]) {
    ownTerminalOf(this).apply({ terminalTypes });
  }
  /** Columns (NAWS, SSH window-change; updated live). */
  get width(): number {
    return terminalOf(this).width;
  }
  set width(width: number) {
    ownTerminalOf(this).apply({ width });
  }
  get height(): number {
    return terminalOf(this).height;
  }
  set height(height: number) {
    ownTerminalOf(this).apply({ height });
  }
  /** Variables the client sent (NEW-ENVIRON, SSH `env`: LANG, TERM, COLUMNS, LINES); never identity. Frozen. */
  get environment(): Readonly<Record<string, string>> {
    return terminalOf(this).environment;
  }
  set environment(variables: Readonly<Record<string, string>>) {
    ownTerminalOf(this).apply({ environment: new Map(Object.entries(variables)) });
  }
  /** The text encoding agreed with the client (telnet CHARSET); UTF-8 unless said otherwise. */
  get charset(): SessionCharset {
    return terminalOf(this).charset;
  }
  /** The name the user logged in with (null without a login); on the prototype until then. */
  declare username: string | null;
  history: string[] = [];
  /** Most lines `history` keeps (the oldest go first). */
  declare historyLimit: number;
  /** Most characters all of `history` holds together, so pasted text cannot pile up in memory. */
  declare historyCharacterLimit: number;
  /**
   * Whether `writeResponse` breaks lines longer than `width` at spaces. Off by default: the same
   * output goes to `ssh host command` and to scripts, where an inserted line break changes the data,
   * and terminals wrap long lines themselves. `help` always wraps.
   */
  declare wrapResponses: boolean;
  /** The command being run (the last one between commands); an empty one, shared, before the first. */
  declare input: ParsedInput;

  // Symbol-keyed rather than `#private`: a class with decorators has its private fields turned into
  // a WeakMap entry per instance by bundlers (esbuild), about 100 bytes a session more.
  [sessionSlot]: SessionLink | null = null;
  /** The session's terminal state from attach on (kept after the end, for sessionEnd and later reads). */
  [terminalSlot]: TerminalState | null = null;


  /** Called after the welcome text, before the first prompt. */
  sessionStart(): void | Promise<void> {}
  /** Called once after the console is disconnected, however it ended. */
  sessionEnd(): void | Promise<void> {}

  /**
   * Telnet options of your own for this session (GMCP, say): negotiated by the library, handled by
   * the returned objects, which may keep a reference to this handler. None by default.
   */
  telnetOptions(): TelnetOption[] {
    return [];
  }

  /** Id of this session in its server (as listed by `server.sessions`). */
  get sessionId(): string {
    return linkOf(this).id;
  }

  /** Where the session's statechart is now, e.g. `shell.prompting` or `shell.awaitingLine`. */
  get sessionState(): string {
    return linkOf(this).state;
  }

  get remoteAddress(): string {
    return linkOf(this).remoteAddress;
  }

  get transport(): 'telnet' | 'ssh' {
    return linkOf(this).transport;
  }

  /** The server this session runs in: message other sessions with `sendTo` / `broadcast`. */
  get server(): ServerFacade {
    return linkOf(this).server;
  }

  write(text: string): void {
    this[sessionSlot]?.write(text);
  }

  writeLine(text: string): void {
    this.write(`${text}\n`);
  }

  /** Expected output of a command. */
  writeResponse(text: string): void {
    this.writeLine(this.wrapResponses ? wordWrap(text, this.width).join('\n') : text);
  }

  /** Error output: red on terminals that show colour, plain elsewhere. Override to decorate differently. */
  writeError(text: string): void {
    const line = `${this.colour ? `\x1b[31m${text}\x1b[0m` : text}\n`;
    if (this[sessionSlot]) this[sessionSlot].writeError(line);
  }

  /** Whether the terminal type shows ANSI colour (`xterm`, `ansi`, `linux`, `screen`, ...; not `dumb`, `vt100`). */
  get colour(): boolean {
    return terminalOf(this).colour;
  }

  /** `items` in columns fitted to this terminal's width, as `ls` lays out names. */
  columns(items: readonly string[]): string {
    return columns(items, this.width);
  }

  /**
   * Asynchronous output, safe at any time: the text gets its own line and the prompt with the
   * user's half-typed input is drawn again below it.
   */
  writeMessage(text: string): void {
    this[sessionSlot]?.writeMessage(text);
  }

  /**
   * Reads one line from the user while a command (or `sessionStart`) runs. Rejects with
   * `InputAborted` on ^C / ^D or when the session ends.
   */
  readLine(options: ReadLineOptions = {}): Promise<string> {
    const echo = options.echo ?? true;
    return linkOf(this).readLine({
      prompt: options.prompt ?? '',
      echo,
      // Echo-off input is a secret: never kept in history, whatever `useHistory` says.
      useHistory: echo && (options.useHistory ?? true),
    });
  }

  /** Ends the session (after pending output is sent). */
  close(): void {
    this[sessionSlot]?.end();
  }

  /** Like the global setTimeout, but cleared when the session ends. */
  setTimeout(callback: () => void, ms: number): NodeJS.Timeout {
    return linkOf(this).setTimeout(callback, ms);
  }

  clearTimeout(timer: NodeJS.Timeout): void {
    this[sessionSlot]?.clearTimeout(timer);
  }

  /**
   * Aborted when the user presses ^C while the current command runs, or when the session ends (outside
   * a command: only then). Hand it to whatever the command awaits: `fetch(url, { signal: this.signal })`.
   */
  get signal(): AbortSignal {
    return linkOf(this).signal;
  }

  /**
   * Runs export `name` of a worker module (see `workerModule`) in the server's pool of worker threads,
   * so CPU work does not hold up the other sessions. Arguments and result are typed from the
   * function and cross by structured clone. ^C or the session's end aborts it (the thread is stopped;
   * the command ends quietly, as at an aborted `readLine`); an error thrown there rejects here.
   */
  runInWorker<M, K extends WorkerFunctionName<M>>(module: WorkerModule<M>, name: K, ...args: WorkerArgs<M, K>): Promise<WorkerResult<M, K>> {
    return linkOf(this).runInWorker(module, name, args);
  }

  /** A command threw or rejected: tell the user briefly; the stack goes to the server log. */
  handleException(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    // A full worker pool is a refusal, not a fault of the command: the pool logs it (rate-limited).
    if (!(error instanceof WorkerPoolBusy)) this[sessionSlot]?.log('error', 'command failed', error);
    this.writeError(`Error: ${message}`);
  }

  @command(['help', '?'], {
    help: '[<command>]\nDisplay help\nDisplay either brief help on all commands, or detailed help on a single command passed as a parameter.',
    complete(this: TelnetHandler, params: string[]) {
      return params.length === 0 ? CommandRegistry.forClass(this.constructor).names().map((name) => name.toLowerCase()) : [];
    },
  })
  help(params: string[]): void {
    const registry = CommandRegistry.forClass(this.constructor);
    const wanted = params[0];
    if (wanted !== undefined) {
      const entry = registry.lookup(wanted);
      if (entry) {
        for (const line of helpDetailPage(entry, this.width)) this.writeResponse(line);
        return;
      }
      // The error and where to look, not the whole list (it scrolled the error out of sight).
      this.writeError(`Command '${wanted}' not known; 'help' lists the commands`);
      return;
    }
    for (const line of helpPage(registry, this.width)) this.writeResponse(line);
  }

  @command(['exit', 'quit', 'bye', 'logout'], { help: '\nExit the command shell' })
  exit(): void {
    this.writeResponse('Goodbye');
    this.close();
  }

  @command('history', { help: '\nDisplay the command history' })
  showHistory(): void {
    this.writeResponse('Command history');
    this.history.forEach((line, index) => this.writeResponse(`${String(index + 1).padStart(5)}  ${line}`));
  }

  /**
   * For `net.createServer(MyHandler.streamserverHandle)`: serves each socket with this class, in a
   * server created on first use (reach it with `MyHandler.defaultServer`).
   */
  static get streamserverHandle(): (socket: Socket) => void {
    return defaultServerOf(this).connectionListener;
  }

  /** The server `streamserverHandle` feeds: its `sessions`, `broadcast`, `close()`. */
  static get defaultServer(): DefaultServer {
    return defaultServerOf(this);
  }

  /** @internal Called by the session actor; not for users. */
  [attachSession](session: SessionLink | null): void {
    this[sessionSlot] = session;
    if (session) this[terminalSlot] = session.terminal;
  }

}

/** The options' defaults, shared on the prototype (see the fields declared above). */
const HANDLER_DEFAULTS: Pick<
  TelnetHandler,
  | 'prompt' | 'continuePrompt' | 'welcome' | 'issue' | 'promptUser' | 'promptPass' | 'authNeedUser' | 'authNeedPass'
  | 'username' | 'historyLimit' | 'historyCharacterLimit' | 'wrapResponses' | 'input'
> = {
  prompt: 'Telnet Server> ',
  continuePrompt: '... ',
  welcome: 'You have connected to the telnet server.',
  issue: null,
  promptUser: 'Username: ',
  promptPass: 'Password: ',
  authNeedUser: false,
  authNeedPass: false,
  username: null,
  historyLimit: DEFAULT_HISTORY_LIMITS.lines,
  historyCharacterLimit: DEFAULT_HISTORY_LIMITS.characters,
  wrapResponses: false,
  input: Object.freeze({ raw: '', cmd: '', params: Object.freeze([]) as unknown as string[] }),
};
Object.assign(TelnetHandler.prototype, HANDLER_DEFAULTS);
