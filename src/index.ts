export { TelnetHandler, type ReadLineOptions, type ServerFacade } from './handler.js';
export { command, type CommandOptions } from './shell/command.js';
export type { ParsedInput } from './shell/parser.js';
export { createServer, Server, DEFAULT_LIMITS } from './server.js';
// Serves `MyHandler.streamserverHandle` (the handler reaches its default server through a slot).
import './defaultServer.js';
export type { ServerOptions, ListenOptions, BoundAddress, SessionInfo, CloseOptions } from './server.js';
export type { LiveViewOptions } from './liveView/liveViewServer.js';
export { InputAborted, sessionMachine, sessionSetup, sessionChart, loginStates, authenticateInvoke } from './machines/session.js';
export type {
  SessionEvent,
  SessionContext,
  SessionHost,
  AnySessionMachine,
  LoginStatesConfig,
  LoginStepInput,
} from './machines/session.js';
export { supervisorMachine } from './machines/supervisor.js';
export type { HandlerClass, SessionLimits } from './actors/session.js';
export type { TerminalTransport, TerminalEvents } from './transports/terminalTransport.js';
export type { TelnetOption, TelnetOptionContext } from './protocol/telnetOption.js';
export type { Completer } from './shell/command.js';
export { columns } from './terminal/columns.js';
export { createStderrLogger, sanitizingLogger, silentLogger, type Logger } from './logger.js';
export { neutralize, usernameProblem, MAX_USERNAME_LENGTH, type NeutralizeOptions } from './text/sanitize.js';
export { DEFAULT_LOGIN_THROTTLE, type LoginThrottleOptions } from './actors/loginThrottle.js';
export { SSHHandler } from './sshHandler.js';
export { workerModule, type WorkerModule, type WorkerFunctionName, type WorkerArgs, type WorkerResult } from './workers/workerModule.js';
export { WorkerPoolBusy, type WorkerPoolOptions, type WorkerPoolStats } from './workers/workerPool.js';
export { getRsaKeyFile, loadOrCreateHostKey, type HostKeyType } from './transports/hostKey.js';
export type { SshListenOptions, SshAuthCallbacks, SshPublicKey } from './transports/sshListener.js';
export type { ConnectionHost } from './transports/connectionHost.js';
export { DEFAULT_MAX_CHANNELS_PER_CONNECTION } from './transports/sshListener.js';
export { DEFAULT_SSH_ALGORITHMS, type SshAlgorithms, type AlgorithmChoice } from './transports/sshAlgorithms.js';
// For actors of your own in an edited chart (a login step's check), without a direct xstate import.
export { fromPromise } from 'xstate';
// Beyond one process: node:cluster and Redis (see README "Scaling out").
export { scaleOut, ScaleOut, type ScaleOutOptions } from './scale/scaleOut.js';
export { RedisBackend, type RedisScaleOptions } from './scale/redisBackend.js';
export { ClusterWorkerBackend } from './scale/clusterBackend.js';
export { runClusterPrimary, type ClusterPrimaryOptions } from './scale/clusterPrimary.js';
export { MessageTooLargeError, type MessageBus, type SessionDirectory, type ScaleBackend, type ScaleMessage } from './scale/bus.js';
export type { ClusterSessionInfo } from './serverFace.js';
export type { ProxyProtocolOptions } from './transports/proxyListener.js';
