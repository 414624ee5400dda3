import { Actor, type AnyActorRef, type EventFromLogic } from 'xstate';
import { cutMessage } from '../text/messageCut.js';
import type { ServerFacade, TelnetHandler } from '../handler.js';
import type { Logger, LogLevel } from '../logger.js';
import { InputAborted, type AnySessionMachine, type SessionHost, type SessionInput } from '../machines/session.js';
import type { RepeatableWarning } from '../machines/sessionHost.js';
import type { RateLimitedLog } from './rateLimitedLog.js';
import { CommandRegistry } from '../shell/registry.js';
import type { TelnetOption } from '../protocol/telnetOption.js';
import { commandCompleter } from '../shell/commandCompletion.js';
import { joinContinuation, parseCommandLine, toInput, type ParseResult } from '../shell/parser.js';
import { DEFAULT_HISTORY_LIMITS, remember, type HistoryLimits } from '../terminal/history.js';
import { LineEditor, type ReadOptions } from '../terminal/lineEditor.js';
import { decideEcho } from '../terminal/echo.js';
import { TerminalState, type TerminalChange } from '../terminal/terminalState.js';
import type { TerminalEvents, TerminalTransport } from '../transports/terminalTransport.js';
import { EditorToChart } from './editorToChart.js';
import { inputBudgetSpent, nextTurn, runAsInput, startWork, workShouldYield } from '../transports/inputPacer.js';
import { SessionSettings } from './sessionSettings.js';
import { checkNowOrInTurn, LoginThrottled, type LoginThrottle } from './loginThrottle.js';
import { quoteForLog, usernameProblem } from '../text/sanitize.js';
import { attachSession, type SessionLink } from './sessionLink.js';
import type { WorkerPool } from '../workers/workerPool.js';
import type { StallWatchdog } from '../workers/stallWatchdog.js';
import type { MessageTrace, SupervisedSession } from '../machines/supervisor.js';
import { stateToString } from '../machines/stateValue.js';
import { ALL_NOTICES_HEARD, type NoticesHeard } from '../machines/noticesHeard.js';
import type { WorkerArgs, WorkerFunctionName, WorkerModule, WorkerResult } from '../workers/workerModule.js';

export { stateToString };

/** Limits and timings every session of a server shares (defaults: `DEFAULT_LIMITS` in server.ts). */
export interface SessionLimits {
  negotiationTimeoutMs: number;
  loginTimeoutMs: number;
  maxLoginAttempts: number;
  loginRetryDelayMs: number;
  maxLineLength: number;
  /** Longest line at the prompts before login (username, password): a name needs no 128 Ki. */
  maxLoginLineLength: number;
  /** Most lines one command may span with continuation (its characters together: maxLineLength). */
  maxCommandLines: number;
  /** Input bytes handled per connection per turn of the event loop (the rest waits, the socket paused). */
  inputBytesPerTurn: number;
  /** Time spent on one connection's input per turn of the event loop (ms). */
  inputMsPerTurn: number;
  /** Timers a session's handler may have pending (`this.setTimeout`); one more throws. */
  maxTimers: number;
  /** Characters of one asynchronous message (`writeMessage`, `sendTo`, `broadcast`); the rest is cut. */
  maxMessageLength: number;
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
  /** Failed logins slow their source address down (shared with the SSH listener); null = off. */
  readonly loginThrottle: LoginThrottle | null;
  /** The server's worker pool (its threads are started on first use). */
  readonly workers: WorkerPool;
  /** Times the synchronous start of each command. */
  readonly watchdog: StallWatchdog;
  /** Where `warnRepeatable` lines go: one a second per cause for the server, the rest counted (else each is logged). */
  readonly repeatableWarnings?: RateLimitedLog<RepeatableWarning>;
  /** The session has logged in (or needed no login): it no longer counts as anonymous. */
  sessionAuthenticated?(session: LiveSession): void;
  /** Before each session id: the process's id and a dot when sessions span processes (src/scale). */
  idPrefix?: string;
  /** The live view's record of a message this session sends itself (undefined while no one watches). */
  traceMessage?(text: string, to: string): MessageTrace | undefined;
  /**
   * Which terminal notices (RESIZE, TERMINAL_TYPE) the chart is sent: those it acts on, all while an
   * inspector watches (`noticesHeard`); all when not said.
   */
  notices?: NoticesHeard;
}

/**
 * The session actor, counting the events sent to it: a command that ends inside the transition
 * that started it must not overtake events it sent its own session meanwhile (see `runCommand`).
 */
export class SessionActor extends Actor<AnySessionMachine> {
  sent = 0;

  constructor(logic: AnySessionMachine, options: { input: SessionInput; parent: AnyActorRef; id: string }) {
    super(logic, options);
    // XState keeps its options merged with its defaults (`{ ...defaults, ...options }`); once that
    // spread has met options of other shapes (the supervisor's, invoked actors'), V8 gives every
    // merged object a hidden class of its own: about 300 bytes per session. After construction
    // only `input` (the init event) and `devTools` (off) are read: our own object, one shape for all.
    this.options = options;
  }

  override send(event: EventFromLogic<AnySessionMachine>): void {
    this.sent++;
    super.send(event);
  }
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';

/** A login refused before `authCallback` is asked (a username no one may be shown). */
class LoginRefused extends Error {
  /** `message` is the client's; `reason` goes in the log line. */
  constructor(message: string, readonly reason: string) {
    super(message);
  }
}

export type HandlerClass<H extends TelnetHandler = TelnetHandler> = new () => H;

/** The handler's history limits: the shared defaults unless it changed them (no object per prompt kept). */
function historyLimitsOf(handler: TelnetHandler): HistoryLimits {
  const { historyLimit: lines, historyCharacterLimit: characters } = handler;
  return lines === DEFAULT_HISTORY_LIMITS.lines && characters === DEFAULT_HISTORY_LIMITS.characters ? DEFAULT_HISTORY_LIMITS : { lines, characters };
}

let nextSessionNumber = 1;

/** The exit status of a session the server ended (shutdown, kick, idle): 128 + SIGHUP, as a shell hung up on reports. */
export const SERVER_ENDED_STATUS = 129;

/**
 * One connection, alive: the handler instance, its transport, its line editor and the session actor
 * (created by hand as the supervisor's child rather than spawned into its context, so connecting and
 * leaving never copy the supervisor's record of 10,000 children).
 */
export class LiveSession implements SessionHost, SessionLink, TerminalEvents, SupervisedSession {
  readonly id: string;
  /** When the connection came (ms since the epoch; a number, not a Date object per session). */
  readonly connectedAtMs: number;
  /** Time of the last input (ms since the epoch), for the idle timeout. */
  lastActivity = Date.now();
  readonly handler: TelnetHandler;
  readonly actor: SessionActor;
  readonly settings: SessionHost['settings'];
  /** The terminal's facts: filled by the transport (`terminalChanged`), read by the handler and the editor. */
  readonly terminal: TerminalState;
  /** The line being read is a secret (echo off): what the echo decision is taken for. */
  #secretInput = false;
  readonly #transport: TerminalTransport;
  readonly #services: SessionServices;
  readonly #registry: CommandRegistry;
  /** Tab at the command prompt: made at the first Tab (most sessions never press it), then kept. */
  #complete: ReturnType<typeof commandCompleter> | null = null;
  readonly #editor: LineEditor;
  #timers: Set<NodeJS.Timeout> | null = null;
  /** The login prompts' small limit until the login is accepted, then the command line's. */
  #lineLimit: number;
  /** The command running now (its name as registered), for the stall watchdog's suspects. */
  command: string | null = null;
  /** The last command that ended and when (`performance.now()`): a suspect of a stall just seen. */
  lastCommand: string | null = null;
  lastCommandEndedAt = 0;
  /** Aborted by ^C during the command or by the session's end; made only when a command asks. */
  #commandAbort: AbortController | null = null;
  /** ^C came while the command ran (perhaps before it asked for its signal). */
  #interrupted = false;
  /**
   * Inside the synchronous start of user code (a command, sessionStart), within the chart's
   * transition into the state it runs in: that state, which the snapshot does not show yet.
   */
  #startingIn: string | null = null;
  /** Aborted when the session ends: for worker tasks started outside a command (a timer). */
  #sessionAbort: AbortController | null = null;
  #ended = false;
  /** The server ended the session (shutdown, kick, idle): its exit status says so. */
  #endedByServer = false;

  constructor(handlerClass: HandlerClass, transport: TerminalTransport, services: SessionServices) {
    this.id = `${services.idPrefix ?? ''}s${nextSessionNumber++}`;
    // Accepted earlier than started when it waited its turn (Server.startSession): the login timeout counts from the accept.
    this.connectedAtMs = transport.acceptedAtMs ?? Date.now();
    this.#transport = transport;
    this.#services = services;
    this.#registry = CommandRegistry.forClass(handlerClass);
    this.handler = new handlerClass();
    this.settings = new SessionSettings(this.handler, transport, services.limits, services.loginThrottle);
    // A pipe (SSH without a pty) shows its own input: nothing is echoed or redrawn (see decideEcho).
    this.terminal = new TerminalState({ lineMode: transport.lineMode });
    this.terminal.apply(transport.initialTerminal);
    this.#editor = new LineEditor(new EditorToChart(this, transport), {
      maxLineLength: services.limits.maxLineLength,
      terminal: this.terminal,
      budgetSpent: inputBudgetSpent,
    });
    // Never above the command line's own limit.
    this.#lineLimit = Math.min(services.limits.maxLoginLineLength, services.limits.maxLineLength);
    this.actor = new SessionActor(services.machine, { input: { host: this }, parent: services.parent, id: this.id });
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
    // The transition into executing (welcome) runs the command (sessionStart): to it, the session is there.
    if (this.#startingIn !== null) return this.#startingIn;
    return stateToString(this.actor.getSnapshot().value);
  }

  start(): void {
    const actor = this.actor;
    this.handler[attachSession](this);
    // The session is the actor's observer itself (`complete`, `error`): no closures of its own.
    actor.subscribe(this);
    actor.start();
    const { inputBytesPerTurn, inputMsPerTurn } = this.#services.limits;
    this.#transport.attach(this, {
      telnetOptions: this.#telnetOptions(),
      inputBudget: { bytesPerTurn: inputBytesPerTurn, msPerTurn: inputMsPerTurn },
    });
  }

  // ---- The session actor's observer ----

  /** The chart has ended. */
  complete(): void {
    this.#finish();
  }

  /** A bug in one session must end that session only, never the server or its neighbours. */
  error(err: unknown): void {
    this.log('error', 'session actor failed', err);
    this.#transport.close();
    this.#finish();
  }

  // ---- TerminalEvents: what the terminal says (the session is its own listener: no closures) ----

  data(text: string): void {
    this.lastActivity = Date.now();
    this.#editor.feed(text);
  }

  awaitingInput(): boolean {
    return this.#editor.active;
  }

  /**
   * The one path of terminal facts: into the terminal state, which the handler and the editor read.
   * The chart hears of a new size or type (RESIZE, TERMINAL_TYPE: for the inspector and charts of
   * your own; the fact is not carried back). A client found to echo itself gets the echo decision
   * again for the line being read (a MUD client: WONT ECHO, or WILL ECHO at a password prompt).
   */
  terminalChanged(change: TerminalChange): void {
    const terminal = this.terminal;
    const changed = terminal.apply(change);
    if (changed.clientEchoes) this.#applyEcho();
    // A notice no transition acts on (the default chart's) is not sent: it would cost a macrostep for nothing.
    const notices = this.#services.notices ?? ALL_NOTICES_HEARD;
    if (changed.term && notices.TERMINAL_TYPE) this.actor.send({ type: 'TERMINAL_TYPE', term: terminal.term });
    if (changed.size && notices.RESIZE && !this.#resizeNoticed) {
      // One RESIZE per batch of input, with the size it ends at: a client sending thousands of NAWS
      // in one read costs one chart event, not one each (the editor reads the size from the state).
      this.#resizeNoticed = true;
      queueMicrotask(() => {
        this.#resizeNoticed = false;
        if (this.actor.getSnapshot().status === 'active') this.actor.send({ type: 'RESIZE', width: terminal.width, height: terminal.height });
      });
    }
  }

  /** A RESIZE notice is on its way to the chart (sent once the input being read now is handled). */
  #resizeNoticed = false;

  /** What the echo decision says of the telnet ECHO option, said to the transport (null: untouched). */
  #applyEcho(): void {
    const { willEcho } = decideEcho(this.terminal, this.#secretInput);
    if (willEcho !== null) this.#transport.serverEcho?.(willEcho);
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

  logout(): void {
    this.actor.send({ type: 'END' });
  }

  /** The editor's keys wait for the next turn: the transport holds the rest of the input meanwhile. */
  #keysHeld = false;

  holdKeys(): void {
    if (this.#keysHeld) return;
    this.#keysHeld = true;
    this.#transport.holdInput?.();
    setImmediate(LiveSession.#resumeKeys, this);
  }

  static #resumeKeys(session: LiveSession): void {
    session.#keysHeld = false;
    // Timed as a slice of this connection's input: the editor stops again when it has spent the turn.
    runAsInput(session.#services.limits.inputMsPerTurn, LiveSession.#editorResume, session);
    if (!session.#keysHeld) session.#transport.releaseInput?.();
  }

  static #editorResume(session: LiveSession): void {
    session.#editor.resume();
  }

  closed(): void {
    // Keys still queued from a connection that is gone are dropped, not processed.
    this.#editor.close();
    this.actor.send({ type: 'DISCONNECTED' });
  }

  // ---- SessionHost: what the chart does ----

  /** When the login time runs out (ms since the epoch); 0 before the chart starts it and after the welcome. */
  loginDeadline = 0;

  /** The supervisor's login sweep reads `loginDeadline` and calls `loginTimedOut` (no timer here). */
  watchLogin(): void {
    const ms = this.settings.loginTimeoutMs;
    this.loginDeadline = ms > 0 ? this.connectedAtMs + ms : 0;
  }

  loginFinished(): void {
    this.loginDeadline = 0;
  }

  loginTimedOut(): void {
    if (this.loginDeadline === 0 || this.actor.getSnapshot().status !== 'active') return;
    this.loginDeadline = 0;
    this.actor.send({ type: 'LOGIN_TIMEOUT' });
  }

  write(text: string): void {
    this.#transport.write(text);
  }

  writeError(text: string): void {
    if (this.#transport.writeError) this.#transport.writeError(text);
    else this.#transport.write(text);
  }

  promptLine(prompt: string, echo: boolean, useHistory: boolean, completion = false, partOfCommand = false): void {
    // Said at every prompt (to a client that echoes itself): the option table answers a repeat with
    // nothing on the wire.
    this.#secretInput = !echo;
    this.#applyEcho();
    const handler = this.handler;
    const options: ReadOptions = {
      prompt: this.#transport.lineMode ? '' : prompt,
      echo,
      useHistory,
      history: handler.history,
      historyLimits: historyLimitsOf(handler),
      complete: completion ? this : undefined,
      maxLineLength: this.#lineLimit,
      remember: !partOfCommand,
    };
    // Keys typed ahead are handled now, timed as input (after a command that returned a promise, no
    // slice of the pacer times them).
    runAsInput(this.#services.limits.inputMsPerTurn, (editor) => editor.begin(options), this.#editor);
    this.#transport.promptShown?.();
  }

  /** The line editor's Tab at the command prompt. */
  tabComplete(before: string, secondTab: boolean): ReturnType<ReturnType<typeof commandCompleter>> {
    this.#complete ??= commandCompleter(this.#registry, this.handler, (err) => this.log('warn', 'completer failed', err));
    return this.#complete(before, secondTab);
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
  // Two fields, not an object per parse.
  #lastParsedText: string | null = null;
  #lastParse: ParseResult | null = null;
  parse(lines: readonly string[]): ParseResult {
    const text = lines.length === 1 ? lines[0]! : lines.join('\n');
    if (this.#lastParse === null || this.#lastParsedText !== text) {
      this.#lastParse = parseCommandLine(text);
      this.#lastParsedText = text;
    }
    return this.#lastParse;
  }

  /**
   * The login check: nothing when it is over at once (authCallback answered without a promise and the
   * throttle had nothing ahead of this attempt), a throw when it refused at once; else a promise.
   */
  authenticate(username: string | null, password: string | null): Promise<void> | void {
    const callback = this.handler.authCallback;
    if (!callback) return;
    // A name that could not be shown to other users as it is (controls, too long) is a failed login.
    const problem = username === null ? null : usernameProblem(username);
    const check = () => {
      if (problem !== null) throw new LoginRefused(`Username refused: ${problem}.`, `username refused: ${problem}`);
      return callback.call(this.handler, username, password);
    };
    let pending: Promise<void> | void;
    try {
      pending = checkNowOrInTurn(this.#services.loginThrottle, this.remoteAddress, check, () => this.actor.getSnapshot().status !== 'active');
    } catch (err) {
      this.#loginFailed(username, err);
      throw err;
    }
    if (!isThenable(pending)) return;
    return Promise.resolve(pending).catch((err: unknown) => {
      this.#loginFailed(username, err);
      throw err;
    });
  }

  #loginFailed(username: string | null, err: unknown): void {
    // Why it was refused, when it is ours to say (never the authCallback's own reason).
    if (err instanceof LoginRefused || err instanceof LoginThrottled) this.write(`${err.message}\n`);
    // The name is the client's input: quoted and cut short so it cannot forge or flood log lines.
    // A refused name says why, as the SSH listener's line does.
    const why = err instanceof LoginRefused ? ` (${err.reason})` : '';
    this.log('info', `login failed${username === null ? '' : ` for user ${quoteForLog(username)}`}${why}`);
  }

  acceptLogin(username: string | null): void {
    this.#lineLimit = this.#services.limits.maxLineLength;
    if (username !== null) this.handler.username = username;
    this.#services.sessionAuthenticated?.(this);
    this.log('info', `session started${username === null ? '' : ` for ${quoteForLog(username)}`}`);
  }

  /** Nothing when the handler's sessionStart is over at once (as `runCommand`); else a promise of its end. */
  sessionStart(): Promise<void> | void {
    const sentBefore = this.actor.sent;
    const started = performance.now();
    let result: unknown;
    this.#startingIn = 'welcome.running';
    try {
      result = this.handler.sessionStart();
    } finally {
      this.#startingIn = null;
      this.#services.watchdog.ran(performance.now() - started, this, 'sessionStart');
    }
    if (isThenable(result)) return Promise.resolve(result).then(() => undefined);
    if (this.actor.sent !== sentBefore) return Promise.resolve();
  }

  /**
   * Runs a command inside the chart's transition into `shell.executing`. Nothing is returned when it
   * is over at once (no promise, no event sent to this session meanwhile, the turn's input budget not
   * spent): the chart goes back to the prompt in the same macrostep. Else a promise of its end.
   */
  runCommand(lines: readonly string[], words: readonly string[]): Promise<void> | void {
    // One history entry per command, however many continuation lines it was typed over (as bash's cmdhist).
    if (lines.length > 0) {
      const { history, historyLimit, historyCharacterLimit } = this.handler;
      remember(history, joinContinuation(lines), { lines: historyLimit, characters: historyCharacterLimit });
    }
    const sentBefore = this.actor.sent;
    let result: unknown;
    startWork(this);
    this.#startingIn = 'shell.executing';
    try {
      result = this.#startDispatch(lines, words);
    } catch (err) {
      this.#commandEnded();
      throw err;
    } finally {
      this.#startingIn = null;
    }
    if (isThenable(result)) return this.#finishDispatch(result).finally(() => this.#commandEnded()).then(() => this.#yieldIfBusy());
    this.#commandEnded();
    // Events the command sent its session (exit's END, a readLine, a message to itself) wait in the
    // actor's mailbox: the end of the command must come after them, as an event, as it always did.
    if (this.actor.sent !== sentBefore) return Promise.resolve();
    // Type-ahead runs command after command, never giving the loop back: past this connection's input
    // budget for the turn (or, outside the pacer's slices, the process's), its next command waits for
    // the next turn and everyone else goes first.
    if (workShouldYield(this, this.#services.limits.inputMsPerTurn)) return nextTurn();
  }

  async #yieldIfBusy(): Promise<void> {
    if (workShouldYield(this, this.#services.limits.inputMsPerTurn)) await nextTurn();
  }

  /** ^C while a command runs: abort what it awaits through its signal (worker tasks, I/O). */
  interruptCommand(): void {
    this.#interrupted = true;
    this.#commandAbort?.abort(new InputAborted('interrupted'));
  }

  #commandEnded(): void {
    if (this.command !== null) {
      this.lastCommand = this.command;
      this.lastCommandEndedAt = performance.now();
      this.#services.watchdog.commandEnded();
    }
    this.command = null;
    this.#commandAbort = null;
    this.#interrupted = false;
  }

  async runExec(): Promise<void> {
    const line = this.#transport.execCommand ?? '';
    const parsed = parseCommandLine(line);
    let ok = false;
    if (!parsed.complete) this.handler.writeError('Incomplete command line (unclosed quote or trailing backslash)');
    else if (parsed.words.length === 0) ok = true;
    else {
      try {
        ok = await this.#dispatch([line], parsed.words);
      } finally {
        this.#commandEnded();
      }
    }
    this.#transport.exitStatus?.(ok ? 0 : 1);
  }

  /** Runs one parsed command; false when it was unknown or failed. */
  async #dispatch(lines: readonly string[], words: readonly string[]): Promise<boolean> {
    const result = this.#startDispatch(lines, words);
    return isThenable(result) ? this.#finishDispatch(result) : result;
  }

  /**
   * The synchronous start of a command: true or false when it is over (ran, or was unknown or threw),
   * else what it returned to be awaited (`#finishDispatch`).
   */
  #startDispatch(lines: readonly string[], words: readonly string[]): boolean | PromiseLike<unknown> {
    const handler = this.handler;
    const name = words[0] ?? '';
    // toInput copies what it keeps (the raw text, the params): the handler cannot change the chart's arrays.
    const input = toInput(lines, words);
    handler.input = input;
    const entry = this.#registry.lookup(name);
    const method: unknown = entry ? Reflect.get(handler, entry.method) : undefined;
    if (!entry || typeof method !== 'function') {
      // As the seed: the name as `input.cmd` holds it, in capitals.
      handler.writeError(`Unknown command '${input.cmd}'`);
      return false;
    }
    this.command = entry.name;
    this.#services.watchdog.commandStarted();
    // The synchronous start of the command is timed: code that computes there holds every session.
    let result: unknown;
    const started = performance.now();
    try {
      result = method.call(handler, input.params);
    } catch (err) {
      this.#commandFailed(err);
      return false;
    } finally {
      // The stall's description is made only for a stall, not a string per command.
      const ms = performance.now() - started;
      const watchdog = this.#services.watchdog;
      if (ms > watchdog.thresholdMs) watchdog.ran(ms, this, `command '${entry.name.toLowerCase()}'`);
    }
    return isThenable(result) ? result : true;
  }

  async #finishDispatch(result: PromiseLike<unknown>): Promise<boolean> {
    try {
      await result;
      return true;
    } catch (err) {
      this.#commandFailed(err);
      return false;
    }
  }

  #commandFailed(err: unknown): void {
    // ^C or ^D at a readLine inside the command simply ends the command.
    if (!(err instanceof InputAborted)) this.reportError(err);
  }

  reportError(error: unknown): void {
    try {
      this.handler.handleException(error);
    } catch (second) {
      this.log('error', 'handleException threw', second);
    }
  }

  disconnect(): void {
    this.#ended = true;
    const reason = new InputAborted('session ended');
    this.#commandAbort?.abort(reason);
    this.#sessionAbort?.abort(reason);
    this.#clearTimers();
    // An exec has reported its own status by now; the transport keeps the first.
    this.#transport.exitStatus?.(this.#endedByServer ? SERVER_ENDED_STATUS : 0);
    this.#transport.close();
  }

  async sessionEnd(): Promise<void> {
    this.log('info', 'session ended');
    await this.handler.sessionEnd();
  }

  // ---- SessionLink: what the handler does ----

  /** The handler's own asynchronous message (a timer's): a MESSAGE event, as one from another session. */
  writeMessage(text: string): void {
    const snapshot = this.actor.getSnapshot();
    if (snapshot.status !== 'active') return;
    this.#services.traceMessage?.(text, this.id)?.reached(this.id, stateToString(snapshot.value));
    this.actor.send({ type: 'MESSAGE', text });
  }

  showMessage(text: string): void {
    this.#editor.writeAbove(text);
  }

  #messageCutLogged = false;
  /** A message longer than `maxMessageLength` is cut, saying how much was left out (logged once per session). */
  boundMessage(text: string): string {
    const max = this.#services.limits.maxMessageLength;
    const cut = cutMessage(text, max);
    if (cut !== text && !this.#messageCutLogged) {
      this.#messageCutLogged = true;
      this.log('warn', `message of ${text.length} characters cut to maxMessageLength ${max} (said once per session)`);
    }
    return cut;
  }

  end(): void {
    this.actor.send({ type: 'END' });
  }

  setTimeout(callback: () => void, ms: number): NodeJS.Timeout {
    if (this.#finished) throw new Error('the session has ended: no more timers');
    const timers = (this.#timers ??= new Set());
    const max = this.#services.limits.maxTimers;
    // Each pending timer holds its callback and what that keeps alive: a bound per session.
    if (timers.size >= max) throw new Error(`too many timers pending in this session (at most ${max})`);
    const timer = setTimeout(() => {
      timers.delete(timer);
      const started = performance.now();
      try {
        callback();
      } catch (err) {
        this.log('error', 'timer callback failed', err);
      }
      this.#services.watchdog.ran(performance.now() - started, this, 'a timer callback');
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

  warnRepeatable(cause: RepeatableWarning, message: string): void {
    const repeatable = this.#services.repeatableWarnings;
    if (repeatable) repeatable.note(cause, `[${this.id} ${this.remoteAddress}] ${message}`);
    else this.log('warn', message);
  }

  warnIdle(secondsLeft: number): void {
    this.writeMessage(`You have been idle for a while: disconnecting in ${secondsLeft} s unless you type something.`);
  }

  endIdle(): void {
    this.#endedByServer = true;
    this.#editor.leaveInput();
    this.actor.send({ type: 'IDLE_TIMEOUT' });
  }

  /** The server is going down: say `message`, end the session. */
  shutdown(message: string | null): void {
    this.#endedByServer = true;
    this.#editor.leaveInput();
    this.actor.send({ type: 'SHUTDOWN', message });
  }

  /** Ends the session now, even while a command runs; `message` is shown first. */
  kick(message: string | null): void {
    this.#endedByServer = true;
    this.#editor.leaveInput();
    this.actor.send({ type: 'KICK', message });
  }

  /**
   * Aborted on ^C during the running command or when the session ends; outside a command, only when
   * the session ends.
   */
  get signal(): AbortSignal {
    if (this.command !== null) {
      if (!this.#commandAbort) {
        this.#commandAbort = new AbortController();
        if (this.#ended) this.#commandAbort.abort(new InputAborted('session ended'));
        else if (this.#interrupted) this.#commandAbort.abort(new InputAborted('interrupted'));
      }
      return this.#commandAbort.signal;
    }
    if (!this.#sessionAbort) {
      this.#sessionAbort = new AbortController();
      if (this.#ended) this.#sessionAbort.abort(new InputAborted('session ended'));
    }
    return this.#sessionAbort.signal;
  }

  runInWorker<M, K extends WorkerFunctionName<M>>(module: WorkerModule<M>, name: K, args: WorkerArgs<M, K>): Promise<WorkerResult<M, K>> {
    return this.#services.workers.run(module, name, args, this.signal, this);
  }

  readLine(options: { prompt: string; echo: boolean; useHistory: boolean }): Promise<string> {
    const answer = new Promise<string>((resolve, reject) => {
      const event = { type: 'READ_LINE', request: { ...options, resolve, reject } } as const;
      const snapshot = this.actor.getSnapshot();
      // During user code's synchronous start the chart is still on its way into `executing` or
      // `welcome` (the snapshot says otherwise): the request waits in the mailbox and is taken there.
      if (snapshot.status !== 'active' || !(this.#startingIn !== null || snapshot.can(event))) {
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
    this.#editor.close();
    this.#clearTimers();
    this.handler[attachSession](null);
    // The supervisor hears of the end from the actor's own (see supervisorLogic): one path, whatever ended it.
  }
}
