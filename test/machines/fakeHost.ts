// A session host for driving a session chart without a connection: records what the chart does.
import type { SessionHost } from '../../src/machines/session.js';
import { parseCommandLine } from '../../src/shell/parser.js';

export interface FakeOptions {
  needsNegotiation?: boolean;
  auth?: ((u: string | null, p: string | null) => Promise<void>) | null;
  authNeedUser?: boolean;
  authNeedPass?: boolean;
  execCommand?: string | null;
  authenticatedUser?: string | null;
  command?: (words: readonly string[], host: FakeHost) => Promise<void>;
  loginTimeoutMs?: number;
}

export interface FakeHost extends SessionHost {
  out: string[];
  prompts: Array<{ prompt: string; echo: boolean; useHistory: boolean }>;
  commands: string[][];
  ends: number;
  accepted: Array<string | null>;
  disconnected: number;
  /** The login timeout the chart started, until it ends or fires (a timer here; the server sweeps). */
  loginTimer: NodeJS.Timeout | null;
}

export function fakeHost(options: FakeOptions = {}): FakeHost {
  const host: FakeHost = {
    out: [],
    prompts: [],
    commands: [],
    ends: 0,
    accepted: [],
    disconnected: 0,
    loginTimer: null,
    settings: {
      prompt: '> ',
      continuePrompt: '... ',
      issue: 'BANNER',
      welcome: 'WELCOME',
      promptUser: 'Username: ',
      promptPass: 'Password: ',
      authNeedUser: options.authNeedUser ?? true,
      authNeedPass: options.authNeedPass ?? true,
      hasAuthCallback: options.auth !== null && options.auth !== undefined,
      authenticatedUser: options.authenticatedUser ?? null,
      needsNegotiation: options.needsNegotiation ?? false,
      execCommand: options.execCommand ?? null,
      negotiationTimeoutMs: 20,
      loginTimeoutMs: options.loginTimeoutMs ?? 0,
      maxLoginAttempts: 2,
      loginRetryDelayMs: 0,
      maxCommandLines: 64,
      maxCommandLength: 128 * 1024,
    },
    watchLogin: (session) => {
      const ms = host.settings.loginTimeoutMs;
      if (ms > 0) host.loginTimer = setTimeout(() => session.send({ type: 'LOGIN_TIMEOUT' }), ms);
    },
    loginFinished: () => {
      if (host.loginTimer) clearTimeout(host.loginTimer);
      host.loginTimer = null;
    },
    write: (text) => void host.out.push(text),
    showMessage: (text) => void host.out.push(`MESSAGE ${text}`),
    boundMessage: (text) => (text.length > 40 ? `${text.slice(0, 40)} [cut]` : text),
    promptLine: (prompt, echo, useHistory) => void host.prompts.push({ prompt, echo, useHistory }),
    parse: (lines) => parseCommandLine(lines.join('\n')),
    authenticate: (u, p) => (options.auth ? options.auth(u, p) : Promise.resolve()),
    acceptLogin: (u) => void host.accepted.push(u),
    sessionStart: () => Promise.resolve(),
    runCommand: async (_lines, words) => {
      host.commands.push([...words]);
      await options.command?.(words, host);
    },
    runExec: async () => void host.commands.push(['EXEC', options.execCommand ?? '']),
    reportError: (error) => void host.out.push(`ERROR ${String(error)}`),
    log: () => {},
    warnRepeatable: () => {},
    disconnect: () => void host.disconnected++,
    sessionEnd: async () => void host.ends++,
  };
  return host;
}

export const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
