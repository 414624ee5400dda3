import { createActor, type Actor, type AnyActorRef } from 'xstate';
import type { ServerFacade, TelnetHandler } from '../handler.js';
import type { Logger, LogLevel } from '../logger.js';
import { InputAborted, type AnySessionMachine, type SessionHost } from '../machines/session.js';
import { CommandRegistry } from '../shell/registry.js';
import type { TelnetOption } from '../protocol/telnetOption.js';
import { commandCompleter } from '../shell/commandCompletion.js';
import { parseCommandLine, toInput, type ParseResult } from '../shell/parser.js';
import { LineEditor } from '../terminal/lineEditor.js';
import type { TerminalEvents, TerminalTransport } from '../transports/terminalTransport.js';
import { EditorToChart } from './editorToChart.js';
import { SessionSettings } from './sessionSettings.js';
import { attachSession, type SessionLink } from './sessionLink.js';

/** Limits and timings every session of a server shares. */
export interface SessionLimits {
  negotiationTimeoutMs: number;
  loginTimeoutMs: number;
  maxLoginAttempts: number;
  loginRetryDelayMs: number;
  maxLineLength: number;
}

/** What the server lends each session. */
export interface SessionServices {
  readonly server: ServerFacade;
  readonly logger: Logger;
  readonly limits: SessionLimits;
  /**
   * The supervisor: each session actor is its child, so all share one actor system (and its
   * inspection) instead of each building a system of its own (a dozen closures and maps apiece).
   */
  readonly parent: AnyActorRef;
  /** The chart each connection runs: `sessionMachine` unless the server was given its own. */
  readonly machine: AnySessionMachine;
  sessionEnded(session: LiveSession): void;
  /** Before each session id: the process's id and a dot when sessions span processes (src/scale). */
  idPrefix?: string;
}

export type HandlerClass<H extends TelnetHandler = TelnetHandler> = new () => H;

let nextSessionNumber = 1;

/**
 * One connection, alive: the handler instance, its transport, its line editor and the session actor
 * (created by hand as the supervisor's child rather than spawned into its context, so connecting and
 * leaving never copy the supervisor's record of 10,000 children).
 */
export class LiveSession implements SessionHost, SessionLink, TerminalEvents {
  readonly id: string;
  /** When the connection came (ms since the epoch; a number, not a Date object per session). */
  readonly connectedAtMs = Date.now();
  /** Time of the last input (ms since the epoch), for the idle timeout. */
  lastActivity = Date.now();
  readonly handler: TelnetHandler;
  readonly actor: Actor<AnySessionMachine>;
  readonly settings: SessionHost['settings'];
  readonly #transport: TerminalTransport;
  readonly #services: SessionServices;
  readonly #registry: CommandRegistry;
  /** Tab at the command prompt (made once per session, used by every prompt). */
  readonly #complete: ReturnType<typeof commandCompleter>;
  readonly #editor: LineEditor;
  #timers: Set<NodeJS.Timeout> | null = null;

  constructor(handlerClass: HandlerClass, transport: TerminalTransport, services: SessionServices) {
    this.id = `${services.idPrefix ?? ''}s${nextSessionNumber++}`;
    this.#transport = transport;
    this.#services = services;
    this.#registry = CommandRegistry.forClass(handlerClass);
    this.handler = new handlerClass();
    this.#complete = commandCompleter(this.#registry, this.handler, (err) => this.log('warn', 'completer failed', err));
    this.settings = new SessionSettings(this.handler, transport, services.limits);
    this.#editor = new LineEditor(new EditorToChart(this, transport), { maxLineLength: services.limits.maxLineLength });
    const { term, width, height } = transport.initialTerminal;
    if (term) this.handler.term = term;
    if (width) this.setWindowSize(width, height ?? this.handler.height);
    else if (height) this.handler.height = height;
    this.actor = createActor(services.machine, { input: { host: this }, parent: services.parent, id: this.id });
  }

  get username(): string | null {
    return this.handler.username;
  }

  get remoteAddress(): string {
    return this.#transport.remoteAddress;
  }

  get transport(): 'telnet' | 'ssh' {
    return this.#transport.kind;
  }

  get server(): ServerFacade {
    return this.#services.server;
  }

  /** The current state of the chart, as a dotted path (`shell.prompting`). */
  get state(): string {
    return stateToString(this.actor.getSnapshot().value);
  }

  start(): void {
    const actor = this.actor;
    this.handler[attachSession](this);
    actor.subscribe({
      complete: () => this.#finish(),
      // A bug in one session must end that session only, never the server or its neighbours.
      error: (err) => {
        this.log('error', 'session actor failed', err);
        this.#transport.close();
        this.#finish();
      },
    });
    actor.start();
    this.#transport.attach(this, { telnetOptions: this.#telnetOptions() });
  }

  // ---- TerminalEvents: what the terminal says (the session is its own listener: no closures) ----

  data(text: string): void {
    this.lastActivity = Date.now();
    this.#editor.feed(text);
  }

  resize(width: number, height: number): void {
    this.actor.send({ type: 'RESIZE', width, height });
  }

  terminalType(term: string, all?: readonly string[]): void {
    if (all) this.handler.terminalTypes = [...all];
    this.actor.send({ type: 'TERMINAL_TYPE', term });
  }

  negotiated(): void {
    this.actor.send({ type: 'NEGOTIATED' });
  }

  interrupt(): void {
    this.#editor.interrupt();
  }

  eraseCharacter(): void {
    this.#editor.eraseCharacter();
  }

  eraseLine(): void {
    this.#editor.eraseLine();
  }

  environment(variables: ReadonlyMap<string, string>): void {
    this.handler.environment = Object.fromEntries(variables);
  }

  logout(): void {
    this.actor.send({ type: 'END' });
  }

  clientEchoes(): void {
    this.#editor.setClientEchoes();
  }

  closed(): void {
    this.actor.send({ type: 'DISCONNECTED' });
  }

  // ---- SessionHost: what the chart does ----

  write(text: string): void {
    this.#transport.write(text);
  }

  promptLine(prompt: string, echo: boolean, useHistory: boolean, completion = false): void {
    // Only a client that echoes itself is told; said at every prompt, as the option table answers a
    // repeat with nothing on the wire.
    if (this.#editor.clientEchoes) this.#transport.secretInput?.(!echo);
    const handler = this.handler;
    this.#editor.begin({
      prompt,
      echo,
      useHistory,
      history: handler.history,
      historyLimits: { lines: handler.historyLimit, characters: handler.historyCharacterLimit },
      complete: completion ? this.#complete : undefined,
    });
    this.#transport.promptShown?.();
  }

  /** The handler's own telnet options; a handler that fails here still gets a session, without them. */
  #telnetOptions(): readonly TelnetOption[] {
    try {
      return this.handler.telnetOptions();
    } catch (err) {
      this.log('error', 'telnetOptions() failed', err);
      return [];
    }
  }

  /** A keepalive probe, for the server's keepalive sweep. */
  keepAlive(): void {
    this.#transport.keepAlive?.();
  }

  // The chart's guards and the action that takes the line ask for the same parse: the last is kept.
  #lastParse: { text: string; result: ParseResult } | null = null;
  parse(lines: readonly string[]): ParseResult {
    const text = lines.join('\n');
    if (this.#lastParse?.text !== text) this.#lastParse = { text, result: parseCommandLine(text) };
    return this.#lastParse.result;
  }

  async authenticate(username: string | null, password: string | null): Promise<void> {
    const callback = this.handler.authCallback;
    if (!callback) return;
    try {
      await callback.call(this.handler, username, password);
    } catch (err) {
      // The name is the client's input: quoted and cut short so it cannot forge or flood log lines.
      this.log('info', `login failed${username === null ? '' : ` for user ${JSON.stringify(username.slice(0, 64))}`}`);
      throw err;
    }
  }

  acceptLogin(username: string | null): void {
    if (username !== null) this.handler.username = username;
    this.log('info', `session started${username === null ? '' : ` for ${JSON.stringify(username)}`}`);
  }

  async sessionStart(): Promise<void> {
    await this.handler.sessionStart();
  }

  async runCommand(lines: readonly string[], words: readonly string[]): Promise<void> {
    await this.#dispatch(lines, words);
  }

  async runExec(): Promise<void> {
    const line = this.#transport.execCommand ?? '';
    const parsed = parseCommandLine(line);
    let ok = false;
    if (!parsed.complete) this.handler.writeError('Incomplete command line (unclosed quote or trailing backslash)');
    else if (parsed.words.length === 0) ok = true;
    else ok = await this.#dispatch([line], parsed.words);
    this.#transport.exitStatus?.(ok ? 0 : 1);
  }

  /** Runs one parsed command; false when it was unknown or failed. */
  async #dispatch(lines: readonly string[], words: readonly string[]): Promise<boolean> {
    const handler = this.handler;
    const name = words[0] ?? '';
    const input = toInput([...lines], [...words]);
    handler.input = input;
    const entry = this.#registry.lookup(name);
    const method: unknown = entry ? Reflect.get(handler, entry.method) : undefined;
    if (typeof method !== 'function') {
      // As the seed: the name as `input.cmd` holds it, in capitals.
      handler.writeError(`Unknown command '${input.cmd}'`);
      return false;
    }
    try {
      await method.call(handler, input.params);
      return true;
    } catch (err) {
      // ^C or ^D at a readLine inside the command simply ends the command.
      if (!(err instanceof InputAborted)) this.reportError(err);
      return false;
    }
  }

  reportError(error: unknown): void {
    try {
      this.handler.handleException(error);
    } catch (second) {
      this.log('error', 'handleException threw', second);
    }
  }

  setTerminalType(term: string): void {
    this.handler.term = term;
  }

  setWindowSize(width: number, height: number): void {
    this.handler.width = width;
    this.handler.height = height;
    this.#editor.setWidth(width);
  }

  disconnect(): void {
    this.#clearTimers();
    this.#transport.close();
  }

  async sessionEnd(): Promise<void> {
    this.log('info', 'session ended');
    await this.handler.sessionEnd();
  }

  // ---- SessionLink: what the handler does ----

  writeMessage(text: string): void {
    if (this.actor.getSnapshot().status !== 'active') return;
    this.#editor.writeAbove(text);
  }

  end(): void {
    this.actor.send({ type: 'END' });
  }

  setTimeout(callback: () => void, ms: number): NodeJS.Timeout {
    const timers = (this.#timers ??= new Set());
    const timer = setTimeout(() => {
      timers.delete(timer);
      try {
        callback();
      } catch (err) {
        this.log('error', 'timer callback failed', err);
      }
    }, ms);
    timers.add(timer);
    return timer;
  }

  clearTimeout(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.#timers?.delete(timer);
  }

  log(level: LogLevel, message: string, error?: unknown): void {
    this.#services.logger[level](`[${this.id} ${this.remoteAddress}] ${message}`, error);
  }

  warnIdle(secondsLeft: number): void {
    this.writeMessage(`You have been idle for a while: disconnecting in ${secondsLeft} s unless you type something.`);
  }

  endIdle(): void {
    this.actor.send({ type: 'IDLE_TIMEOUT' });
  }

  /** The server is going down: say `message`, end the session. */
  shutdown(message: string | null): void {
    this.actor.send({ type: 'SHUTDOWN', message });
  }

  /** Ends the session now, even while a command runs; `message` is shown first. */
  kick(message: string | null): void {
    this.actor.send({ type: 'KICK', message });
  }

  readLine(options: { prompt: string; echo: boolean; useHistory: boolean }): Promise<string> {
    const answer = new Promise<string>((resolve, reject) => {
      const event = { type: 'READ_LINE', request: { ...options, resolve, reject } } as const;
      const snapshot = this.actor.getSnapshot();
      if (snapshot.status !== 'active' || !snapshot.can(event)) {
        reject(new Error('readLine works only while a command or sessionStart runs'));
        return;
      }
      this.actor.send(event);
    });
    // A read is dropped when the session ends or its command returns without it: one nobody awaits
    // any more must not become an unhandled rejection, which would stop the whole server.
    answer.catch(() => {});
    return answer;
  }

  #clearTimers(): void {
    if (!this.#timers) return;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers = null;
  }

  #finished = false;
  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#clearTimers();
    this.handler[attachSession](null);
    this.#services.sessionEnded(this);
  }
}

export function stateToString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [key, child] = Object.entries(value)[0] ?? [];
    if (key === undefined) return '';
    const rest = stateToString(child);
    return rest ? `${key}.${rest}` : key;
  }
  return '';
}
