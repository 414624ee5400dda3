import { assign, enqueueActions, fromPromise, setup, type StateMachine } from 'xstate';
import { isBlankUsername } from '../text/sanitize.js';
import type { ParseResult } from '../shell/parser.js';
import { Secret } from './secret.js';
import type { ReadRequest, SessionHost } from './sessionHost.js';

export type { ReadRequest, SessionHost } from './sessionHost.js';

/** Raised into a pending `readLine` when the user presses ^C or ^D, or the session ends. */
export class InputAborted extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InputAborted';
  }
}

export type SessionEvent =
  | { type: 'NEGOTIATED' }
  /** `secret`: typed with echo off (a password); inspection shows it redacted. */
  | { type: 'LINE'; line: string; secret?: boolean }
  | { type: 'INTERRUPT' }
  /** ^C typed while no line is read: only a running command heeds it. */
  | { type: 'INTERRUPT_COMMAND' }
  | { type: 'END_OF_INPUT' }
  | { type: 'LINE_TOO_LONG'; limit: number }
  /**
   * Notices: the terminal's size or type changed (the facts are in the session's terminal state,
   * which the handler and the editor read; the chart is told so the inspector and charts of your
   * own see it).
   */
  | { type: 'RESIZE'; width: number; height: number }
  | { type: 'TERMINAL_TYPE'; term: string }
  | { type: 'READ_LINE'; request: ReadRequest }
  /** The handler asked to end the session (exit command, `close()`). */
  | { type: 'END' }
  /** The server is shutting down; `message` is shown first. */
  | { type: 'SHUTDOWN'; message: string | null }
  | { type: 'DISCONNECTED' }
  /** The command started on the way into `shell.executing` has finished (or failed). */
  | { type: 'COMMAND_DONE' }
  | { type: 'COMMAND_FAILED'; error: unknown }
  /** Ended from the server side (`server.disconnect`), at once, even while a command runs. */
  | { type: 'KICK'; message: string | null }
  /** The login check started in `login.checking` answered later (a promise): passed, or refused. */
  | { type: 'LOGIN_ACCEPTED' }
  | { type: 'LOGIN_REFUSED' }
  /** Connected for `loginTimeoutMs` without reaching the welcome. */
  | { type: 'LOGIN_TIMEOUT' }
  /** No input for the server's idle timeout. */
  | { type: 'IDLE_TIMEOUT' }
  /**
   * Text for this session from elsewhere (`sendTo`, `broadcast`, a timer's `writeMessage`), already
   * neutralised: shown above the input, held until the welcome, or dropped, as the state says.
   */
  | { type: 'MESSAGE'; text: string };

/** Messages held from connect to the welcome; past this the oldest go, and a note says how many. */
export const MAX_HELD_MESSAGES = 20;

export interface SessionContext {
  host: SessionHost;
  /**
   * Lines of the command being entered (while in continuation) or still running (it returned a
   * promise); empty once a command is over.
   */
  lines: string[];
  parsed: ParseResult | null;
  username: string | null;
  password: Secret | null;
  failedLogins: number;
  read: ReadRequest | null;
  /** The server asked to close while a command ran: close when it is done. */
  shutdownRequested: boolean;
  /**
   * The user code started on the way into `shell.executing` (a command) or `welcome` (sessionStart)
   * returned a promise that has not settled: its end comes as COMMAND_DONE. False once it returned
   * without one, and an eventless transition leaves the state in the same macrostep.
   */
  userCodePending: boolean;
  /**
   * The login check started on the way into `login.checking`: answered at once (accepted, refused),
   * or its answer still to come as LOGIN_ACCEPTED / LOGIN_REFUSED (pending).
   */
  loginCheck: LoginCheck;
  /** Messages that came before the welcome (at most MAX_HELD_MESSAGES), shown after it. */
  heldMessages: string[];
  /** Held messages dropped to keep that bound. */
  droppedMessages: number;
}

/** Where the login check is: not started, answered at once, or to be answered by an event. */
export type LoginCheck = 'none' | 'accepted' | 'refused' | 'pending';

export interface SessionInput {
  host: SessionHost;
}

type AuthInput = { host: SessionHost; username: string | null; password: Secret | null };

/** What a login step of your own gets: the user so far and the line just typed (see `loginStep`). */
export interface LoginStepInput {
  host: SessionHost;
  username: string | null;
  line: string;
}

const QUIT_WORDS: readonly string[] = ['QUIT'];

function parseWith(context: SessionContext, event: SessionEvent, continued: boolean): ParseResult {
  const line = event.type === 'LINE' ? event.line : '';
  return context.host.parse(continued ? [...context.lines, line] : [line]);
}

/**
 * Runs user code inside a transition: false when it is over (returned without a promise), else true
 * and its end comes back as COMMAND_DONE or COMMAND_FAILED.
 */
function runUserCode(self: { send(event: SessionEvent): void }, run: () => Promise<void> | void): boolean {
  let pending: Promise<void> | void;
  try {
    pending = run();
  } catch (error) {
    pending = Promise.reject(error);
  }
  return followUserCode(self, pending);
}

/** A command run with `host.runCommand` (as `runUserCode`, with no closure made per command). */
function runCommandLine(self: { send(event: SessionEvent): void }, host: SessionHost, lines: readonly string[], words: readonly string[]): boolean {
  let pending: Promise<void> | void;
  try {
    pending = host.runCommand(lines, words);
  } catch (error) {
    pending = Promise.reject(error);
  }
  return followUserCode(self, pending);
}

/** What user code returned: false when it is over, else true and its end comes back as an event. */
function followUserCode(self: { send(event: SessionEvent): void }, pending: Promise<void> | void): boolean {
  if (pending === undefined) return false;
  pending.then(
    () => self.send({ type: 'COMMAND_DONE' }),
    (error: unknown) => self.send({ type: 'COMMAND_FAILED', error }),
  );
  return true;
}

/**
 * Runs the login check inside the transition into `login.checking`: 'accepted' or 'refused' when it
 * answered at once (no child actor, no event: the chart leaves the state in the same macrostep),
 * else 'pending', and its answer comes back as LOGIN_ACCEPTED or LOGIN_REFUSED.
 */
function runLoginCheck(self: { send(event: SessionEvent): void }, run: () => Promise<void> | void): LoginCheck {
  let pending: Promise<void> | void;
  try {
    pending = run();
  } catch {
    return 'refused';
  }
  if (pending === undefined) return 'accepted';
  pending.then(
    () => self.send({ type: 'LOGIN_ACCEPTED' }),
    () => self.send({ type: 'LOGIN_REFUSED' }),
  );
  return 'pending';
}

/** Types, named actions, guards and actors of the session chart; `provide()` swaps any of them. */
export const sessionSetup = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionInput,
    // Every invoked actor has an id of its own name: children are typed exactly, with no index signature.
    children: {} as {
      authenticate: 'authenticate';
      loginStep: 'loginStep';
      runExec: 'runExec';
      sessionEnd: 'sessionEnd';
    },
  },
  delays: {
    negotiationTimeout: ({ context }) => context.host.settings.negotiationTimeoutMs,
    loginRetryDelay: ({ context }) => context.host.settings.loginRetryDelayMs,
  },
  guards: {
    transportNegotiates: ({ context }) => context.host.settings.needsNegotiation,
    isExecRequest: ({ context }) => context.host.settings.execCommand !== null,
    loginSkipped: ({ context }) =>
      context.host.settings.authenticatedUser !== null || !context.host.settings.hasAuthCallback,
    needsUsername: ({ context }) => context.host.settings.authNeedUser,
    needsPassword: ({ context }) => context.host.settings.authNeedPass,
    shutdownRequested: ({ context }) => context.shutdownRequested,
    userCodeReturned: ({ context }) => !context.userCodePending,
    loginAccepted: ({ context }) => context.loginCheck === 'accepted',
    loginRefused: ({ context }) => context.loginCheck === 'refused',
    tooManyFailedLogins: ({ context }) => context.failedLogins >= context.host.settings.maxLoginAttempts,
    // The line just typed, with the lines before it when it continues them (the host keeps the last
    // parse, so the action that takes the line does not parse it again).
    lineIncomplete: ({ context, event }, params: { continued: boolean }) => !parseWith(context, event, params.continued).complete,
    // One more continuation line would take the command past its lines or its characters.
    commandTooLong: ({ context, event }) => {
      if (event.type !== 'LINE') return false;
      const { maxCommandLines, maxCommandLength } = context.host.settings;
      let length = event.line.length;
      for (const line of context.lines) length += line.length + 1;
      return context.lines.length + 1 > maxCommandLines || length > maxCommandLength;
    },
    usernameBlank: ({ event }) => event.type === 'LINE' && isBlankUsername(event.line),
    lineEmpty: ({ context, event }, params: { continued: boolean }) => {
      const parsed = parseWith(context, event, params.continued);
      return parsed.complete && parsed.words.length === 0;
    },
  },
  actions: {
    showIssue: ({ context }) => {
      const { issue } = context.host.settings;
      if (issue !== null) context.host.write(`${issue}\n`);
    },
    readUsername: ({ context }) => context.host.promptLine(context.host.settings.promptUser, true, false),
    readPassword: ({ context }) => context.host.promptLine(context.host.settings.promptPass, false, false),
    rememberUsername: assign({ username: ({ event }) => (event.type === 'LINE' ? event.line : null) }),
    rememberPassword: assign({ password: ({ event }) => (event.type === 'LINE' ? new Secret(event.line) : null) }),
    forgetCredentials: assign({ username: null, password: null }),
    forgetPassword: assign({ password: null }),
    /** For login steps of your own: shows `prompt` and reads one line (`echo: false` for secrets). */
    promptLine: ({ context }, params: { prompt: string; echo: boolean }) => context.host.promptLine(params.prompt, params.echo, false),
    acceptLogin: ({ context }) => context.host.acceptLogin(context.host.settings.authenticatedUser ?? context.username),
    countFailedLogin: assign({ failedLogins: ({ context }) => context.failedLogins + 1 }),
    sayLoginFailed: ({ context }) => context.host.write('Login failed.\n'),
    sayTooManyFailedLogins: ({ context }) => {
      context.host.write('Too many failed login attempts.\n');
      context.host.log('warn', 'too many failed login attempts: disconnecting');
    },
    showWelcome: ({ context }) => context.host.write(`${context.host.settings.welcome}\n`),
    readCommandLine: ({ context }) => context.host.promptLine(context.host.settings.prompt, true, true, true, true),
    readContinuationLine: ({ context }) => context.host.promptLine(context.host.settings.continuePrompt, true, true, false, true),
    // The first line of a command replaces the last command's lines; a continuation line adds to them.
    startLine: assign(({ context, event }) => {
      if (event.type !== 'LINE') return {};
      const lines = [event.line];
      return { lines, parsed: context.host.parse(lines) };
    }),
    collectLine: assign(({ context, event }) => {
      if (event.type !== 'LINE') return {};
      const lines = [...context.lines, event.line];
      return { lines, parsed: context.host.parse(lines) };
    }),
    // The line taken and the command started on the way into `executing`. A command over at once (no
    // promise) leaves nothing to keep: the context is assigned (copied, with the snapshot) only when
    // there is something to say: a command still running (its lines, and that its end is to come), or
    // the last command's lines and pending flag to clear. A plain command after a plain command makes
    // no copy at all (XState's assign copies the context and the whole snapshot: about a fifth of
    // the chart's time per command).
    startLineAndCommand: enqueueActions(({ context, event, self, enqueue }, params: { continued: boolean }) => {
      if (event.type !== 'LINE') return;
      const lines = params.continued ? [...context.lines, event.line] : [event.line];
      const parsed = context.host.parse(lines);
      const words = parsed.complete ? parsed.words : [];
      const userCodePending = runCommandLine(self, context.host, lines, words);
      if (userCodePending) enqueue.assign({ lines, parsed, userCodePending });
      else if (context.userCodePending || context.lines.length > 0 || context.parsed !== null) enqueue.assign({ lines: [], parsed: null, userCodePending });
    }),
    // The command runs here, inside the transition into `executing` (the one place that starts it,
    // so coming back from awaitingLine does not start it again). A command that returns without a
    // promise has finished when this returns, and `executing` hands back to the prompt by an eventless
    // transition: one macrostep per plain command. A promise's end comes back as an event. The
    // assignment is the one fact the eventless transition needs: whether an end is still to come.
    startCommand: assign({
      userCodePending: ({ context, self }) => {
        const { host, lines } = context;
        const words = context.parsed?.complete ? context.parsed.words : [];
        return runUserCode(self, () => host.runCommand(lines, words));
      },
    }),
    // The login check likewise, on the way into `login.checking` (see `runLoginCheck`).
    startLoginCheck: assign({
      loginCheck: ({ context, self }) =>
        runLoginCheck(self, () => context.host.authenticate(context.username, context.password?.reveal() ?? null)),
    }),
    // sessionStart likewise, on the way into `welcome`: one that returns at once leaves for the shell
    // in the same macrostep, with no child actor.
    startSession: assign({ userCodePending: ({ context, self }) => runUserCode(self, () => context.host.sessionStart()) }),
    interruptCommand: ({ context }) => context.host.interruptCommand?.(),
    quitCommand: assign({ lines: () => [], parsed: () => ({ complete: true as const, words: [...QUIT_WORDS] }) }),
    sayLineTooLong: ({ context, event }) => {
      if (event.type !== 'LINE_TOO_LONG') return;
      context.host.write(`Line too long (more than ${event.limit} characters): discarded.\n`);
      context.host.warnRepeatable('line too long', `line over ${event.limit} characters discarded`);
    },
    sayCommandTooLong: ({ context }) => {
      const { maxCommandLines, maxCommandLength } = context.host.settings;
      context.host.write(`Command too long (more than ${maxCommandLines} lines or ${maxCommandLength} characters): discarded.\n`);
      context.host.warnRepeatable('command too long', `command over ${maxCommandLines} lines or ${maxCommandLength} characters discarded`);
    },
    forgetLines: assign({ lines: () => [], parsed: null }),
    reportError: ({ context }, params: { error: unknown }) => context.host.reportError(params.error),
    // The client has gone by now: the failure is only for the server log.
    logSessionEndError: ({ context, event }) => {
      if ('error' in event) context.host.log('error', 'sessionEnd failed', event.error);
    },
    takeReadRequest: assign({ read: ({ event }) => (event.type === 'READ_LINE' ? event.request : null) }),
    refuseReadRequest: ({ event }) => {
      if (event.type === 'READ_LINE') event.request.reject(new Error('readLine is already waiting for a line'));
    },
    readRequestedLine: ({ context }) => {
      const read = context.read;
      if (read) context.host.promptLine(read.prompt, read.echo, read.useHistory);
    },
    answerRead: assign(({ context, event }) => {
      if (event.type === 'LINE') context.read?.resolve(event.line);
      return { read: null };
    }),
    abortRead: assign(({ context, event }) => {
      const reason = event.type === 'END_OF_INPUT' ? 'end of input' : 'interrupted';
      context.read?.reject(new InputAborted(reason));
      return { read: null };
    }),
    // Not an assign: it runs on every exit from user code, and a settled read ignores the rejection.
    dropPendingRead: ({ context }) => context.read?.reject(new InputAborted('session ended')),
    showShutdownMessage: ({ context, event }) => {
      if ((event.type === 'SHUTDOWN' || event.type === 'KICK') && event.message) context.host.write(`\n${event.message}\n`);
    },
    disconnect: ({ context }) => context.host.disconnect(),
    rememberShutdown: assign({ shutdownRequested: true }),
    sayLoginTimedOut: ({ context }) => {
      context.host.write('\nLogin timed out.\n');
      context.host.log('info', 'login timed out: disconnecting');
    },
    // The login timeout is the host's to keep (the server: one sweep on the supervisor's ticker, not a
    // timer or a child actor per session); the chart says when it starts and when the welcome ends it.
    startLoginTimer: ({ context, self }) => context.host.watchLogin(self),
    stopLoginTimer: ({ context }) => context.host.loginFinished(),
    // Above the input where a line is read (redrawn below it, a secret never shown), on its own line elsewhere.
    showMessage: ({ context, event }) => {
      if (event.type === 'MESSAGE') context.host.showMessage(context.host.boundMessage(event.text));
    },
    holdMessage: assign(({ context, event }) => {
      if (event.type !== 'MESSAGE') return {};
      const text = context.host.boundMessage(event.text);
      if (context.heldMessages.length < MAX_HELD_MESSAGES) return { heldMessages: [...context.heldMessages, text] };
      return { heldMessages: [...context.heldMessages.slice(1), text], droppedMessages: context.droppedMessages + 1 };
    }),
    showHeldMessages: ({ context }) => {
      const { host, heldMessages, droppedMessages } = context;
      if (droppedMessages > 0) host.showMessage(`[${droppedMessages} earlier message${droppedMessages === 1 ? '' : 's'} dropped while you logged in]`);
      for (const text of heldMessages) host.showMessage(text);
    },
    forgetHeldMessages: assign({ heldMessages: () => [], droppedMessages: 0 }),
    sayIdleTimeout: ({ context }) => {
      context.host.write('\nIdle too long: disconnecting.\n');
      context.host.log('info', 'idle timeout: disconnecting');
    },
  },
  actors: {
    // For login states of your own that invoke the check (`authenticateInvoke`); the built-in
    // `login.checking` runs it without a child actor.
    authenticate: fromPromise<void, AuthInput>(async ({ input }) => input.host.authenticate(input.username, input.password?.reveal() ?? null)),
    runExec: fromPromise<void, { host: SessionHost }>(({ input }) => input.host.runExec()),
    /**
     * The check of a login step you add to the chart: provide it with `machine.provide({ actors: {
     * loginStep } })`; reject to refuse the login. Until provided, every step is refused.
     */
    loginStep: fromPromise<void, LoginStepInput>(async () => {
      throw new Error('no loginStep actor was provided');
    }),
    sessionEnd: fromPromise<void, { host: SessionHost }>(({ input }) => input.host.sessionEnd()),
  },
});

/** On an invoked actor's error event: hand the error to the host (log + short message). */
const reportActorError = {
  type: 'reportError',
  params: ({ event }: { event: { error: unknown } }) => ({ error: event.error }),
} as const;

/**
 * States in which user code runs and may call `readLine`: `running` until the code asks for a line,
 * then `awaitingLine` until the user answers (or aborts with ^C / ^D).
 */
const userCodeStates = {
  // Leaving user code with a readLine still pending (session closing): reject it, never leave it hanging.
  exit: 'dropPendingRead',
  initial: 'running',
  states: {
    running: {
      on: { READ_LINE: { target: 'awaitingLine', actions: 'takeReadRequest' } },
    },
    awaitingLine: {
      entry: 'readRequestedLine',
      on: {
        LINE: { target: 'running', actions: 'answerRead' },
        INTERRUPT: { target: 'running', actions: 'abortRead' },
        END_OF_INPUT: { target: 'running', actions: 'abortRead' },
        LINE_TOO_LONG: { target: 'awaitingLine', reenter: true, actions: 'sayLineTooLong' },
        READ_LINE: { actions: 'refuseReadRequest' },
      },
    },
  },
} as const;

/** How a command's run ends, the same whether or not it is waiting in readLine. */
const commandEnd = {
  // Towards closing, the shell's exit rejects a read still pending; back to the prompt, this does.
  COMMAND_DONE: [
    { guard: 'shutdownRequested', target: '#session.closing' },
    { target: 'prompting', actions: 'dropPendingRead' },
  ],
  COMMAND_FAILED: [
    { guard: 'shutdownRequested', target: '#session.closing', actions: reportActorError },
    { target: 'prompting', actions: ['dropPendingRead', reportActorError] },
  ],
  // A graceful shutdown lets the running command finish (the server's close timeout bounds it).
  SHUTDOWN: { actions: ['showShutdownMessage', 'rememberShutdown'] },
} as const;

/**
 * The login check as an invoked actor, for login states of your own that go elsewhere when it passes
 * (`checking: { invoke: { ...authenticateInvoke, onDone: { target: 'askingCode' } } }`); the built-in
 * `login.checking` runs the same check without a child actor.
 */
export const authenticateInvoke = {
  id: 'authenticate',
  src: 'authenticate',
  input: ({ context }: { context: SessionContext }) => ({
    host: context.host,
    username: context.username,
    password: context.password,
  }),
  onDone: { target: '#session.welcome', actions: ['acceptLogin', 'forgetCredentials'] },
  onError: { target: 'failed', actions: ['forgetCredentials', 'countFailedLogin'] },
} as const;

/** A login part for `sessionChart`: `loginStates` or states of your own built from it. */
export type LoginStatesConfig = ReturnType<typeof sessionSetup.createStateConfig>;

/**
 * The login part of the chart, as data: ask the username, then the password (echo off), then check
 * them with `authCallback`. Failed attempts are counted; past the limit the session closes.
 * A user may build a chart with more steps from these states (see the README).
 */
export const loginStates = {
  id: 'login',
  initial: 'deciding',
  states: {
    deciding: {
      always: [
        { guard: 'loginSkipped', target: '#session.welcome', actions: 'acceptLogin' },
        { guard: 'needsUsername', target: 'askingUsername' },
        { guard: 'needsPassword', target: 'askingPassword' },
        { target: 'checking' },
      ],
    },
    // ^C, ^D and a line too long are the login node's (see `sessionChart`): ^C starts the login
    // over, ^D closes. The password step keeps the user's name on a line too long.
    askingUsername: {
      entry: 'readUsername',
      on: {
        LINE: [
          // An empty line is no attempt (nothing counted, nothing throttled): the question again.
          { guard: 'usernameBlank', target: 'askingUsername', reenter: true },
          { guard: 'needsPassword', target: 'askingPassword', actions: 'rememberUsername' },
          { target: 'checking', actions: 'rememberUsername' },
        ],
      },
    },
    askingPassword: {
      entry: 'readPassword',
      on: {
        LINE: { target: 'checking', actions: 'rememberPassword' },
        LINE_TOO_LONG: { target: 'askingPassword', reenter: true, actions: 'sayLineTooLong' },
      },
    },
    // The check runs on the way in (see `startLoginCheck`): one that answered at once leaves in the
    // same macrostep (the inspector still sees `checking`, as a microstep); else its answer is an event.
    checking: {
      entry: 'startLoginCheck',
      always: [
        { guard: 'loginAccepted', target: '#session.welcome', actions: ['acceptLogin', 'forgetCredentials'] },
        { guard: 'loginRefused', target: 'failed', actions: ['forgetCredentials', 'countFailedLogin'] },
      ],
      on: {
        LOGIN_ACCEPTED: { target: '#session.welcome', actions: ['acceptLogin', 'forgetCredentials'] },
        LOGIN_REFUSED: { target: 'failed', actions: ['forgetCredentials', 'countFailedLogin'] },
      },
    },
    failed: {
      entry: 'sayLoginFailed',
      always: { guard: 'tooManyFailedLogins', target: '#session.closing', actions: 'sayTooManyFailedLogins' },
      after: { loginRetryDelay: { target: 'retrying' } },
    },
    retrying: {
      always: [
        { guard: 'needsUsername', target: 'askingUsername' },
        { guard: 'needsPassword', target: 'askingPassword' },
        { target: 'checking' },
      ],
    },
  },
} as const;

/** The events of a login prompt that every login step has, handled on the login node itself. */
const loginInputEvents = {
  INTERRUPT: { target: '#session.login', reenter: true },
  END_OF_INPUT: { target: '#session.closing' },
  LINE_TOO_LONG: { target: '#session.login', reenter: true, actions: 'sayLineTooLong' },
} as const;

/** Event types the chart handles around the login, which a login of your own must leave to it. */
const RESERVED_ON_LOGIN_NODE: readonly string[] = Object.keys(loginInputEvents);
const RESERVED_EVERYWHERE: readonly string[] = ['LOGIN_TIMEOUT'];

interface StateConfigLike {
  initial?: unknown;
  type?: unknown;
  on?: Record<string, unknown>;
  states?: Record<string, StateConfigLike>;
}

/**
 * The rules a login of your own must follow that types cannot say, checked when the chart is built
 * (a broken login fails at start-up, not at some user's login): see README "Editing the login flow".
 */
export function checkLoginStates(login: LoginStatesConfig): void {
  const problems: string[] = [];
  let reachesWelcome = false;
  const visit = (node: StateConfigLike, path: string): void => {
    const on = node.on ?? {};
    for (const type of RESERVED_EVERYWHERE) {
      if (type in on) problems.push(`${path} handles ${type}: the login timeout is the chart's, whatever the step`);
    }
    if (path === 'login') {
      for (const type of RESERVED_ON_LOGIN_NODE) {
        if (type in on) problems.push(`login handles ${type} on the login node itself: handle it on a step, or leave it to the chart`);
      }
    }
    if (node.type === 'final') problems.push(`${path} is final: a login leaves by a transition to #session.welcome or #session.closing`);
    const children = node.states ?? {};
    const names = Object.keys(children);
    if (names.length > 0 && (typeof node.initial !== 'string' || !names.includes(node.initial))) {
      problems.push(`${path} has states but its initial ${JSON.stringify(node.initial)} is not one of them (${names.join(', ')})`);
    }
    if (JSON.stringify(node, (key, value: unknown) => (typeof value === 'function' || key === 'states' ? undefined : value)).includes('"#session.welcome"')) {
      reachesWelcome = true;
    }
    for (const name of names) visit(children[name]!, `${path}.${name}`);
  };
  visit(login as StateConfigLike, 'login');
  if (!reachesWelcome) problems.push('no transition in login goes to #session.welcome: nobody could log in');
  if (problems.length > 0) throw new Error(`sessionChart: the login states break the rules:\n- ${problems.join('\n- ')}`);
}

/**
 * One session, from the first byte to the last: negotiate the terminal, show the banner, log in,
 * welcome, then the command shell until the user leaves, the server shuts down or the peer goes.
 */
export function sessionChart<const TLogin extends LoginStatesConfig>(login: TLogin) {
  checkLoginStates(login);
  return {
  id: 'session',
  context: ({ input }: { input: SessionInput }): SessionContext => ({
    host: input.host,
    lines: [],
    parsed: null,
    username: null,
    password: null,
    failedLogins: 0,
    read: null,
    shutdownRequested: false,
    userCodePending: false,
    loginCheck: 'none',
    heldMessages: [],
    droppedMessages: 0,
  }),
  initial: 'negotiating',
  entry: 'startLoginTimer',
  on: {
    // Notices of facts already in the terminal state: nothing to do here by default.
    RESIZE: {},
    TERMINAL_TYPE: {},
    DISCONNECTED: { target: '.closing' },
    END: { target: '.closing' },
    SHUTDOWN: { target: '.closing', actions: 'showShutdownMessage' },
    KICK: { target: '.closing', actions: 'showShutdownMessage' },
    IDLE_TIMEOUT: { target: '.closing', actions: 'sayIdleTimeout' },
    // From the welcome on (the prompt, continuation, a running command, its readLine); held before, dropped at the end.
    MESSAGE: { actions: 'showMessage' },
    // Here for the whole way to the welcome (negotiation, banner, any login step): a login of your
    // own cannot lose it. The host's timer starts at the session's start and stops at the welcome.
    LOGIN_TIMEOUT: { target: '.closing', actions: 'sayLoginTimedOut' },
  },
  states: {
    negotiating: {
      on: { MESSAGE: { actions: 'holdMessage' } },
      initial: 'deciding',
      states: {
        // SSH (and any transport that knows its terminal) passes straight through.
        deciding: {
          always: [{ guard: 'transportNegotiates', target: 'waiting' }, { target: '#session.banner' }],
        },
        waiting: {
          on: { NEGOTIATED: { target: '#session.banner' } },
          // Clients that answer nothing (netcat, scripts) still get a prompt.
          after: { negotiationTimeout: { target: '#session.banner' } },
        },
      },
    },
    banner: {
      always: [
        { guard: 'isExecRequest', target: 'exec', actions: 'acceptLogin' },
        { target: 'login', actions: 'showIssue' },
      ],
    },
    // The login's own input events, for every step that does not handle them itself: ^C starts the
    // login over (never forward: every check runs again), ^D closes, a line too long is said and the
    // login starts over. The keys are typed only while a step shows a prompt, never during a check.
    // Messages are held through every login step, and shown after the welcome.
    login: { ...login, on: { MESSAGE: { actions: 'holdMessage' }, ...login.on, ...loginInputEvents } } as TLogin,
    // sessionStart runs on the way in (see `startSession`): one that returned without a promise is
    // over, and the session goes on to the shell in the same macrostep; else its end comes as an event.
    welcome: {
      entry: ['stopLoginTimer', 'showWelcome', 'showHeldMessages', 'forgetHeldMessages', 'startSession'],
      always: { guard: 'userCodeReturned', target: 'shell' },
      on: {
        COMMAND_DONE: { target: 'shell' },
        COMMAND_FAILED: { target: 'shell', actions: reportActorError },
      },
      ...userCodeStates,
    },
    shell: {
      initial: 'prompting',
      // Leaving the shell with a readLine still pending (session closing): reject it, never leave it hanging.
      exit: 'dropPendingRead',
      // Flat on purpose: a command passes through two states only (about 7 us less per command than
      // with a parsing step and running/awaitingLine nested inside executing).
      states: {
        prompting: {
          entry: 'readCommandLine',
          on: {
            LINE: [
              { guard: { type: 'lineIncomplete', params: { continued: false } }, target: 'continuing', actions: 'startLine' },
              { guard: { type: 'lineEmpty', params: { continued: false } }, target: 'prompting', reenter: true },
              { target: 'executing', actions: { type: 'startLineAndCommand', params: { continued: false } } },
            ],
            INTERRUPT: { target: 'prompting', reenter: true },
            END_OF_INPUT: { target: 'executing', actions: ['quitCommand', 'startCommand'] },
            LINE_TOO_LONG: { target: 'prompting', reenter: true, actions: 'sayLineTooLong' },
          },
        },
        continuing: {
          entry: 'readContinuationLine',
          on: {
            LINE: [
              // Checked first: a line that would complete the command is refused too when it is one too many.
              { guard: 'commandTooLong', target: 'prompting', actions: ['sayCommandTooLong', 'forgetLines'] },
              { guard: { type: 'lineIncomplete', params: { continued: true } }, target: 'continuing', reenter: true, actions: 'collectLine' },
              { guard: { type: 'lineEmpty', params: { continued: true } }, target: 'prompting' },
              { target: 'executing', actions: { type: 'startLineAndCommand', params: { continued: true } } },
            ],
            INTERRUPT: { target: 'prompting' },
            END_OF_INPUT: { target: 'prompting' },
            LINE_TOO_LONG: { target: 'prompting', actions: 'sayLineTooLong' },
          },
        },
        // The command runs inside the transition in (see `startCommand`), not as an invoked child
        // actor: a child per command (an actor, an AbortController, a registration) was the largest
        // cost of a command. One that returned without a promise is over: back to the prompt in the
        // same macrostep (the inspector still sees this state, as a microstep); one that returned a
        // promise, or waits in readLine, ends with COMMAND_DONE.
        executing: {
          always: { guard: 'userCodeReturned', target: 'prompting' },
          on: {
            ...commandEnd,
            READ_LINE: { target: 'awaitingLine', actions: 'takeReadRequest' },
            // ^C while the command runs: its signal is aborted; the command ends when it heeds it.
            INTERRUPT_COMMAND: { actions: 'interruptCommand' },
          },
        },
        // The command waits in readLine for a line of the user's.
        awaitingLine: {
          entry: 'readRequestedLine',
          on: {
            // A command that ended without waiting for its line: the pending read is rejected on the way out.
            ...commandEnd,
            // The server is going down: the read is abandoned so the command ends now, not at the close timeout.
            SHUTDOWN: { target: 'executing', actions: ['showShutdownMessage', 'rememberShutdown', 'abortRead'] },
            LINE: { target: 'executing', actions: 'answerRead' },
            INTERRUPT: { target: 'executing', actions: 'abortRead' },
            END_OF_INPUT: { target: 'executing', actions: 'abortRead' },
            LINE_TOO_LONG: { target: 'awaitingLine', reenter: true, actions: 'sayLineTooLong' },
            READ_LINE: { actions: 'refuseReadRequest' },
          },
        },
      },
    },
    // One command line given with the connection (`ssh host 'echo hi'`): run it, report, leave.
    exec: {
      entry: 'stopLoginTimer',
      // The output of an exec is the command's alone (a script reads it): no messages in it.
      on: { MESSAGE: {} },
      invoke: {
        id: 'runExec',
        src: 'runExec',
        input: ({ context }: { context: SessionContext }) => ({ host: context.host }),
        onDone: { target: 'closing' },
        onError: { target: 'closing', actions: reportActorError },
      },
      ...userCodeStates,
    },
    closing: {
      entry: 'disconnect',
      // Already closing: the same causes arriving again must not run sessionEnd twice.
      on: { DISCONNECTED: {}, END: {}, SHUTDOWN: {}, KICK: {}, IDLE_TIMEOUT: {}, LOGIN_TIMEOUT: {}, MESSAGE: {} },
      invoke: {
        id: 'sessionEnd',
        src: 'sessionEnd',
        input: ({ context }: { context: SessionContext }) => ({ host: context.host }),
        onDone: { target: 'closed' },
        onError: { target: 'closed', actions: 'logSessionEndError' },
      },
    },
    closed: { type: 'final' },
  },
  } as const;
}

/** The session chart with the built-in login (username, password, `authCallback`). */
export const sessionMachine = sessionSetup.createMachine(sessionChart(loginStates));

export type SessionMachine = typeof sessionMachine;

/**
 * Any machine built from `sessionChart` (with its own login states, actors provided): what
 * `createServer(H, { sessionMachine })` runs for each connection.
 */
export type AnySessionMachine = StateMachine<SessionContext, SessionEvent, any, any, any, any, any, any, any, SessionInput, any, any, any, any>;
