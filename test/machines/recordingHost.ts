// The fake session host with what the chart's guards and messages read made adjustable, and every
// log line recorded: for the tests that pin limits at their boundary and the exact words said.
import { createActor } from 'xstate';
import { sessionMachine, type SessionEvent } from '../../src/machines/session.js';
import { stateToString } from '../../src/machines/stateValue.js';
import { fakeHost, type FakeHost, type FakeOptions } from './fakeHost.js';

type Settings = FakeHost['settings'];

export interface RecordingHost extends FakeHost {
  logs: string[];
  errors: unknown[];
}

export function recordingHost(options: FakeOptions = {}, settings: Partial<{ -readonly [K in keyof Settings]: Settings[K] }> = {}): RecordingHost {
  const host = fakeHost(options) as RecordingHost;
  Object.assign(host.settings, settings);
  host.logs = [];
  host.errors = [];
  host.log = (level, message, error) => {
    host.logs.push(`${level}: ${message}`);
    if (error !== undefined) host.errors.push(error);
  };
  // The chart says which warnings are repeatable; the server's rate limit is tested in hostile/budgets.
  host.warnRepeatable = (_cause, message) => void host.logs.push(`warn: ${message}`);
  host.reportError = (error) => void host.out.push(`ERROR ${String(error)}`);
  return host;
}

/** A session actor on `host`, started, with its state as the inspector names it. */
export function startSession(host: FakeHost) {
  const actor = createActor(sessionMachine, { input: { host } });
  actor.start();
  return {
    actor,
    send: (event: SessionEvent) => actor.send(event),
    state: () => stateToString(actor.getSnapshot().value),
    context: () => actor.getSnapshot().context,
    status: () => actor.getSnapshot().status,
  };
}

/** A readLine call as the handler makes it: READ_LINE with a request the chart answers. */
export function readLine(send: (event: SessionEvent) => void, prompt: string, echo = true): Promise<string> {
  return new Promise((resolve, reject) => send({ type: 'READ_LINE', request: { prompt, echo, useHistory: false, resolve, reject } }));
}

/** Lets promise callbacks and zero-delay timers run (authCallback, a command's end). */
export const settle = async (turns = 3) => {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};
