import type { TerminalState } from '../terminal/terminalState.js';
import type { ServerFacade } from '../serverFace.js';
import type { WorkerArgs, WorkerFunctionName, WorkerModule, WorkerResult } from '../workers/workerModule.js';

/** Internal: how a handler reaches its live session (set by the session actor, cleared at the end). */
export const attachSession = Symbol('telnetsrv.attachSession');

export interface SessionLink {
  readonly id: string;
  readonly remoteAddress: string;
  readonly transport: 'telnet' | 'ssh';
  readonly server: ServerFacade;
  readonly state: string;
  /** The terminal's facts, as the transport filled them. */
  readonly terminal: TerminalState;
  write(text: string): void;
  /** Error output: stderr where the transport has one apart (SSH without a pty). */
  writeError(text: string): void;
  writeMessage(text: string): void;
  readLine(options: { prompt: string; echo: boolean; useHistory: boolean }): Promise<string>;
  end(): void;
  setTimeout(callback: () => void, ms: number): NodeJS.Timeout;
  clearTimeout(timer: NodeJS.Timeout): void;
  readonly signal: AbortSignal;
  runInWorker<M, K extends WorkerFunctionName<M>>(module: WorkerModule<M>, name: K, args: WorkerArgs<M, K>): Promise<WorkerResult<M, K>>;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, error?: unknown): void;
}
