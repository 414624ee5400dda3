import { fromCallback, setup, type AnyActorRef, type EventObject, type SnapshotFrom } from 'xstate';
import { SessionCounter, type ConnectionLimits, type Refusal } from '../actors/sessionLimits.js';
import { IdleSweep, type IdleOptions, type IdleTrackable } from '../actors/idleSweeper.js';
import { LoginSweep, type LoginTrackable } from '../actors/loginSweeper.js';
import { MessageOutbox, type MessageRecipient, type MessageTrace } from './messageOutbox.js';
import type { RemoteSessions } from '../scale/remoteSessions.js';

export type { MessageTrace } from './messageOutbox.js';

/** What the supervisor holds of a session: its actor, its public facts, and the ways it is ended. */
export interface SupervisedSession extends IdleTrackable, LoginTrackable {
  readonly id: string;
  readonly username: string | null;
  /** The session actor: messages reach it as MESSAGE events. */
  readonly actor: AnyActorRef;
  shutdown(message: string | null): void;
  kick(message: string | null): void;
  /** A keepalive probe (telnet IAC NOP). */
  keepAlive(): void;
}

export type BroadcastFilter = (session: { id: string; username: string | null }) => boolean;

/**
 * Filled in by the supervisor while it handles the event that carries it: the server reads it back
 * once `send` returns (an actor handles an event sent from outside its own actions at once).
 */
export interface Receipt {
  /** Sessions the event reached (a message, a disconnect); one handed on to another process counts. */
  reached: number;
  /** Why the message went nowhere (too large for the other processes' bus). */
  refused?: Error;
  /** The message went nowhere: too many deliveries still wait (MessageOutbox's bound). */
  backlogged?: true;
}

export interface AdmissionReceipt {
  admitted: boolean;
  /** Why not, when the chart refused it; null with `admitted` false: the server is shutting down. */
  refusal: Refusal | null;
}

export type SupervisorEvent =
  /**
   * A socket was accepted (telnet, or an SSH connection before its first channel). `open`: the
   * session to register in the same step once admitted (telnet makes it at once: one event per
   * connection, not two); null when it could not be made. Without it, SESSION_OPENED registers.
   */
  | { type: 'CONNECTION_OPENED'; remoteAddress: string; receipt: AdmissionReceipt; open?: () => SupervisedSession | null }
  /** `session`: the session that logged in, whose login timeout is over. */
  | { type: 'CONNECTION_AUTHENTICATED'; remoteAddress: string; session?: SupervisedSession }
  | { type: 'CONNECTION_CLOSED'; remoteAddress: string }
  | { type: 'SESSION_OPENED'; session: SupervisedSession }
  | { type: 'SESSION_CLOSED'; id: string }
  /**
   * Text for one session (`to`) or for all that `filter` accepts; neutralised before it comes here.
   * `here`: sent by another process, for this process's sessions only (never sent on).
   */
  | { type: 'MESSAGE'; text: string; to?: string; filter?: BroadcastFilter; receipt?: Receipt; here?: boolean; trace?: MessageTrace }
  | { type: 'DISCONNECT'; id: string; message: string | null; receipt?: Receipt; here?: boolean }
  /** `everywhere`: every other process joined with this one closes too. */
  | { type: 'SHUTDOWN'; message: string | null; everywhere?: boolean }
  /** The sessions of other processes, routed to from now on (src/scale); only before any session. */
  | { type: 'JOIN_PROCESSES'; remote: RemoteSessions }
  /** From the ticker while sessions are open: the login and idle sweeps and keepalive. */
  | { type: 'TICK' };

export interface SupervisorInput {
  limits: ConnectionLimits;
  idle?: IdleOptions;
  /** IAC NOP to every session this often (ms; 0 = off). */
  keepAliveMs?: number;
  /** From connect to the welcome (ms; 0 = no limit): swept on the ticker while anyone logs in. */
  loginTimeoutMs?: number;
}

export interface SupervisorContext {
  /**
   * Live sessions by id: the server's only registry. A Map mutated in place by the actions below,
   * not replaced with `assign`: XState v5 runs a custom action at once while its actor processes the
   * event (so the guards after it see the change), and copying a record of 10,000 sessions on each
   * connect would make connecting quadratic. A custom actor logic would give the same cost but lose
   * the chart (its states in the inspector, the live view and docs/statecharts.md). Nothing outside
   * these actions writes it; readers (the server's `sessions`) only iterate it.
   */
  sessions: Map<string, SupervisedSession>;
  /** Connections open, not logged in yet, per address (what admission decides on); mutated likewise. */
  connections: SessionCounter;
  idle: IdleSweep;
  /** Sessions not past their welcome yet (a Set mutated in place, as `sessions`). */
  login: LoginSweep;
  /** The period the running ticker was started with (ms), to restart it when another is wanted. */
  tickingEveryMs: number;
  keepAliveMs: number;
  /** Last keepalive sweep (ms since the epoch). */
  keptAliveAt: number;
  shutdownMessage: string | null;
  /** Messages on their way to the sessions, in order, a slice per turn of the loop (see MessageOutbox). */
  outbox: MessageOutbox;
  /** The other processes' sessions, once joined (scale-out); null for a server on its own. */
  remote: RemoteSessions | null;
}

/**
 * How often the ticker ticks: often enough for the idle timeout, keepalive and, while anyone logs
 * in, the login timeout; 0 = no ticker.
 */
export function tickEvery(context: Pick<SupervisorContext, 'idle' | 'keepAliveMs'> & { login?: LoginSweep }): number {
  let every = 0;
  for (const ms of [context.idle.everyMs, context.keepAliveMs, context.login && context.login.size > 0 ? context.login.everyMs : 0]) {
    if (ms > 0 && (every === 0 || ms < every)) every = ms;
  }
  return every;
}

const isOpen = (session: SupervisedSession) => session.actor.getSnapshot().status === 'active';

/** A session joins the registry and, until its welcome, the login sweep. */
function registerSession(context: SupervisorContext, session: SupervisedSession): void {
  context.sessions.set(session.id, session);
  context.login.watch(session);
}

export const supervisorSetup = setup({
  types: {
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    input: {} as SupervisorInput,
    children: {} as { ticker: 'ticker' },
  },
  guards: {
    noSessionsLeft: ({ context }) => context.sessions.size === 0,
    /** Sessions are open and something is to be done for them on a timer. */
    needsTicker: ({ context }) => context.sessions.size > 0 && tickEvery(context) > 0,
    needsNoTicker: ({ context }) => context.sessions.size === 0 || tickEvery(context) === 0,
    /** A login started or the last one ended: the ticker is wanted at another pace. */
    tickPeriodChanged: ({ context }) => tickEvery(context) !== context.tickingEveryMs,
    // The decision is admissionVerdict's (pure, in sessionLimits.ts) on the counts this chart keeps.
    admissible: ({ context, event }) => event.type === 'CONNECTION_OPENED' && context.connections.verdict(event.remoteAddress) === null,
    // Scale-out: a message or disconnect for a session whose id names another process.
    forAnotherProcess: ({ context: { remote }, event }) => {
      if (!remote || !(event.type === 'MESSAGE' || event.type === 'DISCONNECT') || event.here) return false;
      const id = event.type === 'MESSAGE' ? event.to : event.id;
      return id !== undefined && remote.isRemote(id);
    },
    tooLargeForOtherProcesses: ({ context: { remote }, event }) =>
      remote !== null && event.type === 'MESSAGE' && event.to === undefined && !event.here && remote.refusal(event.text) !== null,
  },
  actions: {
    admitConnection: ({ context, event }) => {
      if (event.type !== 'CONNECTION_OPENED') return;
      context.connections.add(event.remoteAddress);
      event.receipt.admitted = true;
      const session = event.open?.();
      if (session) registerSession(context, session);
    },
    refuseConnection: ({ context, event }) => {
      if (event.type === 'CONNECTION_OPENED') event.receipt.refusal = context.connections.verdict(event.remoteAddress);
    },
    countAuthenticated: ({ context, event }) => {
      if (event.type !== 'CONNECTION_AUTHENTICATED') return;
      context.connections.authenticated(event.remoteAddress);
      if (event.session) context.login.forget(event.session);
    },
    releaseConnection: ({ context, event }) => {
      if (event.type === 'CONNECTION_CLOSED') context.connections.release(event.remoteAddress);
    },
    register: ({ context, event }) => {
      if (event.type === 'SESSION_OPENED') registerSession(context, event.session);
    },
    unregister: ({ context, event }) => {
      if (event.type !== 'SESSION_CLOSED') return;
      const session = context.sessions.get(event.id);
      if (session) context.login.forget(session);
      context.sessions.delete(event.id);
    },
    // One MESSAGE event to each session actor addressed; its chart decides what the message does
    // there. The sessions are chosen now (open, and accepted by the filter) and counted; the outbox
    // delivers to them in order, a large broadcast over several turns of the loop, skipping any
    // that has ended by its turn.
    routeMessage: ({ context, event }) => {
      if (event.type !== 'MESSAGE') return;
      const recipients: MessageRecipient[] = [];
      if (event.to !== undefined) {
        // A message for a session that has gone is dropped without error.
        const session = context.sessions.get(event.to);
        if (session && isOpen(session)) recipients.push(session);
      } else {
        for (const session of context.sessions.values()) {
          if ((!event.filter || event.filter(session)) && isOpen(session)) recipients.push(session);
        }
      }
      const queued = context.outbox.send(event.text, recipients, event.trace);
      if (event.receipt) {
        event.receipt.reached = queued ? recipients.length : 0;
        if (!queued) event.receipt.backlogged = true;
      }
    },
    handOn: ({ context: { remote }, event }) => {
      let handed = false;
      if (event.type === 'MESSAGE' && event.to !== undefined) handed = remote?.sendTo(event.to, event.text) ?? false;
      if (event.type === 'DISCONNECT') handed = remote?.disconnect(event.id, event.message) ?? false;
      if ((event.type === 'MESSAGE' || event.type === 'DISCONNECT') && event.receipt) event.receipt.reached = handed ? 1 : 0;
    },
    // Too large for the bus: sent nowhere, not even here, so a broadcast never reaches only part of the sessions.
    refuseMessage: ({ context: { remote }, event }) => {
      if (event.type !== 'MESSAGE' || !event.receipt) return;
      event.receipt.reached = 0;
      event.receipt.refused = remote?.refusal(event.text) ?? undefined;
    },
    broadcastToOtherProcesses: ({ context: { remote }, event }) => {
      if (event.type === 'MESSAGE' && event.to === undefined && !event.here) remote?.broadcast(event.text, event.filter);
    },
    joinProcesses: ({ context, event }) => {
      if (event.type === 'JOIN_PROCESSES') context.remote = event.remote;
    },
    closeOtherProcesses: ({ context: { remote }, event }) => {
      if (event.type === 'SHUTDOWN' && event.everywhere) remote?.closeEverywhere(event.message ?? '');
    },
    kick: ({ context, event }) => {
      if (event.type !== 'DISCONNECT') return;
      const session = context.sessions.get(event.id);
      if (!session || session.actor.getSnapshot().status !== 'active') return;
      session.kick(event.message);
      if (event.receipt) event.receipt.reached = 1;
    },
    sweep: ({ context }) => {
      const now = Date.now();
      context.login.sweep(now);
      context.idle.sweep(now, context.sessions.values());
      if (context.keepAliveMs > 0 && now - context.keptAliveAt >= context.keepAliveMs - tickEvery(context) / 2) {
        context.keptAliveAt = now;
        for (const session of context.sessions.values()) session.keepAlive();
      }
    },
    rememberTickPeriod: ({ context }) => {
      context.tickingEveryMs = tickEvery(context);
    },
    rememberShutdownMessage: ({ context, event }) => {
      if (event.type === 'SHUTDOWN') context.shutdownMessage = event.message;
    },
    shutDownAll: ({ context }) => {
      for (const session of [...context.sessions.values()]) session.shutdown(context.shutdownMessage);
    },
    shutDownNewcomer: ({ context, event }) => {
      if (event.type === 'SESSION_OPENED') event.session.shutdown(context.shutdownMessage);
    },
  },
  actors: {
    // One timer for the whole server, never one per session, unref'd so it keeps no process alive.
    ticker: fromCallback<SupervisorEvent, { everyMs: number }>(({ input, sendBack }) => {
      const timer = setInterval(() => sendBack({ type: 'TICK' }), input.everyMs);
      timer.unref();
      return () => clearInterval(timer);
    }),
  },
});

/**
 * The one owner of sessions: admits connections (a guarded transition on the counts it keeps),
 * registers sessions and hears each end as SESSION_CLOSED, routes messages and disconnects to the
 * session actors (and, once joined with other processes, to theirs through `remote`), runs the idle
 * sweep and keepalive on one ticker while sessions are open, and drains them at shutdown.
 */
export const supervisorMachine = supervisorSetup.createMachine({
  id: 'supervisor',
  context: ({ input }) => ({
    sessions: new Map(),
    connections: new SessionCounter(input.limits),
    idle: new IdleSweep(input.idle ?? { idleTimeoutMs: 0, idleWarningMs: 0 }),
    login: new LoginSweep(input.loginTimeoutMs ?? 0),
    tickingEveryMs: 0,
    keepAliveMs: input.keepAliveMs ?? 0,
    keptAliveAt: Date.now(),
    shutdownMessage: null,
    outbox: new MessageOutbox(),
    remote: null,
  }),
  initial: 'running',
  on: {
    MESSAGE: [
      { guard: 'forAnotherProcess', actions: 'handOn' },
      { guard: 'tooLargeForOtherProcesses', actions: 'refuseMessage' },
      { actions: ['broadcastToOtherProcesses', 'routeMessage'] },
    ],
    DISCONNECT: [{ guard: 'forAnotherProcess', actions: 'handOn' }, { actions: 'kick' }],
    CONNECTION_AUTHENTICATED: { actions: 'countAuthenticated' },
    CONNECTION_CLOSED: { actions: 'releaseConnection' },
    SESSION_CLOSED: { actions: 'unregister' },
  },
  states: {
    running: {
      initial: 'quiet',
      on: {
        CONNECTION_OPENED: [{ guard: 'admissible', actions: 'admitConnection' }, { actions: 'refuseConnection' }],
        SESSION_OPENED: { actions: 'register' },
        SHUTDOWN: { target: 'draining', actions: ['rememberShutdownMessage', 'closeOtherProcesses'] },
        JOIN_PROCESSES: { guard: 'noSessionsLeft', actions: 'joinProcesses' },
      },
      states: {
        // No session, or nothing to do on a timer: no timer at all.
        quiet: {
          always: { guard: 'needsTicker', target: 'ticking' },
        },
        ticking: {
          entry: 'rememberTickPeriod',
          invoke: { id: 'ticker', src: 'ticker', input: ({ context }) => ({ everyMs: context.tickingEveryMs }) },
          always: [
            { guard: 'needsNoTicker', target: 'quiet' },
            { guard: 'tickPeriodChanged', target: 'ticking', reenter: true },
          ],
          on: { TICK: { actions: 'sweep' } },
        },
      },
    },
    // Connections coming now are neither admitted nor refused: the server closes them.
    draining: {
      entry: 'shutDownAll',
      always: { guard: 'noSessionsLeft', target: 'stopped' },
      on: {
        SESSION_OPENED: { actions: ['register', 'shutDownNewcomer'] },
      },
    },
    stopped: { type: 'final' },
  },
});

type SupervisorSnapshot = SnapshotFrom<typeof supervisorMachine>;

/**
 * A session's end as the supervisor chart sees it: SESSION_CLOSED with the session's id, one event
 * type for all. Sessions are this actor's children (one actor system, one inspection), so XState
 * sends it `xstate.done.actor.<id>` (or `xstate.error.actor.<id>` when one fails) as each ends: a
 * new event type per session, and a machine keeps, per state node and per event type it is sent,
 * its candidate transitions for good, which grew the heap by about 270 bytes for every session that
 * ever came and went. Children of the chart's own (invoked or spawned) keep their events.
 */
export function sessionEndAsEvent(snapshot: SupervisorSnapshot, event: EventObject): SupervisorEvent | EventObject {
  if (!('actorId' in event) || typeof event.actorId !== 'string') return event;
  if (!event.type.startsWith('xstate.done.actor.') && !event.type.startsWith('xstate.error.actor.')) return event;
  if (event.actorId in snapshot.children) return event;
  // A failed session has logged its error itself and ended alone; for the supervisor it has left.
  return { type: 'SESSION_CLOSED', id: event.actorId };
}

/**
 * What the server runs: the supervisor chart, each session's end given to it as SESSION_CLOSED
 * (see `sessionEndAsEvent`). The chart itself, its states, its inspection are unchanged.
 */
export const supervisorLogic: typeof supervisorMachine = Object.create(supervisorMachine, {
  transition: {
    value: (...[snapshot, event, scope]: Parameters<typeof supervisorMachine.transition>) =>
      supervisorMachine.transition(snapshot, sessionEndAsEvent(snapshot, event) as SupervisorEvent, scope),
  },
});
