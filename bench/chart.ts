// The session chart alone, without sockets: CPU per command and per login in XState, beside a bare
// two-state machine that takes one event in and one back per command (the least any chart can cost).
// `npx tsx bench/chart.ts`. The host does nothing but answer, so the figures are the actor's own.
// Then the same command loop on XState 6's alpha (bench/chart6.ts; `--no-xstate6` leaves it out).
import { assign, createActor, setup, type AnyStateMachine } from 'xstate';
import { sessionMachine, type SessionHost } from '../src/machines/session.js';
import { parseCommandLine } from '../src/shell/parser.js';
import { commandLoop6, loadXState6, XSTATE6_VERSION } from './chart6.js';

const COMMANDS = 200_000;
const LOGINS = 10_000;

function host(): SessionHost {
  return {
    settings: {
      prompt: '> ', continuePrompt: '... ', issue: null, welcome: 'hi', promptUser: 'Username: ', promptPass: 'Password: ',
      authNeedUser: true, authNeedPass: false, hasAuthCallback: true, authenticatedUser: null, needsNegotiation: true,
      execCommand: null, negotiationTimeoutMs: 500, loginTimeoutMs: 60_000, maxLoginAttempts: 3, loginRetryDelayMs: 0,
      maxCommandLines: 64, maxCommandLength: 128 * 1024,
    },
    watchLogin() {},
    loginFinished() {},
    write() {},
    showMessage() {},
    boundMessage: (text: string) => text,
    promptLine() {},
    parse: (lines) => parseCommandLine(lines.join('\n')),
    // As the demo's: a login check, a session start and a command that return without a promise.
    authenticate: async () => {},
    acceptLogin() {},
    sessionStart() {},
    runCommand() {},
    runExec: async () => {},
    reportError() {},
    log() {},
    warnRepeatable() {},
    disconnect() {},
    sessionEnd: async () => {},
  };
}

const cpuMicros = () => {
  const used = process.cpuUsage();
  return used.user + used.system;
};
/** Enough turns of the microtask queue for a command (or a login step) to come back. */
const settle = async () => {
  for (let i = 0; i < 8; i++) await null;
};

/** The smallest chart with a command state: one event in, one back. */
const bare = setup({
  types: { events: {} as { type: 'LINE' } | { type: 'DONE' } },
  actions: { start: ({ self }) => void Promise.resolve().then(() => self.send({ type: 'DONE' })) },
}).createMachine({
  initial: 'prompting',
  states: { prompting: { on: { LINE: { target: 'executing', actions: 'start' } } }, executing: { on: { DONE: 'prompting' } } },
});

async function perCommand(send: () => void, count = COMMANDS): Promise<number> {
  const before = cpuMicros();
  for (let i = 0; i < count; i++) {
    send();
    await settle();
  }
  return (cpuMicros() - before) / count;
}

async function commands(): Promise<{ chart: number; bare: number }> {
  const session = createActor(sessionMachine, { input: { host: { ...host(), settings: { ...host().settings, hasAuthCallback: false, needsNegotiation: false } } } });
  session.start();
  await settle();
  if (JSON.stringify(session.getSnapshot().value) !== '{"shell":"prompting"}') throw new Error('the chart did not reach the prompt');
  const minimal = createActor(bare);
  minimal.start();
  // Warm both up first; the second pass is the one reported.
  await perCommand(() => session.send({ type: 'LINE', line: 'echo hi' }));
  await perCommand(() => minimal.send({ type: 'LINE' }));
  return {
    chart: await perCommand(() => session.send({ type: 'LINE', line: 'echo hi' })),
    bare: await perCommand(() => minimal.send({ type: 'LINE' })),
  };
}

async function logins(): Promise<number> {
  const parent = createActor(bare);
  parent.start();
  let micros = 0;
  for (let round = 0; round < 2; round++) {
    const before = cpuMicros();
    for (let i = 0; i < LOGINS; i++) {
      const session = createActor(sessionMachine, { input: { host: host() }, parent });
      session.start();
      session.send({ type: 'RESIZE', width: 80, height: 24 });
      session.send({ type: 'NEGOTIATED' });
      session.send({ type: 'TERMINAL_TYPE', term: 'XTERM' });
      session.send({ type: 'LINE', line: 'bench' });
      await settle();
      if (round === 1 && i === 0 && JSON.stringify(session.getSnapshot().value) !== '{"shell":"prompting"}') {
        throw new Error('the login did not reach the prompt');
      }
      session.send({ type: 'DISCONNECTED' });
      await settle();
    }
    micros = (cpuMicros() - before) / LOGINS;
  }
  return micros;
}

/** XState 6's alpha (installed on demand, never in the package): the command loop ported to it. */
async function xstate6(): Promise<{ loop: number; bare: number } | null> {
  const x = await loadXState6();
  if (!x) return null;
  const loop = x.createActor(commandLoop6(x, () => {}));
  loop.start();
  const minimal = x.createActor(
    x.createMachine({
      initial: 'prompting',
      states: {
        prompting: {
          on: {
            LINE: ({ self }: { self: { send(e: { type: string }): void } }, enq: (fn: () => void) => void) => {
              enq(() => void Promise.resolve().then(() => self.send({ type: 'DONE' })));
              return { target: 'executing' };
            },
          },
        },
        executing: { on: { DONE: { target: 'prompting' } } },
      },
    }),
  );
  minimal.start();
  // The alpha is far slower per event: fewer rounds, enough for a steady figure.
  const count = COMMANDS / 100;
  await perCommand(() => loop.send({ type: 'LINE', line: 'echo hi' }), count);
  await perCommand(() => minimal.send({ type: 'LINE' }), count);
  if (JSON.stringify(loop.getSnapshot().value) !== '{"shell":"prompting"}') throw new Error(`XState 6 loop ended in ${JSON.stringify(loop.getSnapshot().value)}`);
  return {
    loop: await perCommand(() => loop.send({ type: 'LINE', line: 'echo hi' }), count),
    bare: await perCommand(() => minimal.send({ type: 'LINE' }), count),
  };
}

/**
 * What each piece of the shell part costs: the chart with one piece made trivial through provide()
 * (the states and transitions stay), against the chart as it is; and the chart as the server runs it,
 * 1,000 session actors taking commands in turn (each actor's objects out of the CPU's caches).
 */
async function pieces(): Promise<Array<[string, number]>> {
  const quiet = { ...host(), settings: { ...host().settings, hasAuthCallback: false, needsNegotiation: false } };
  const variants: Array<[string, AnyStateMachine]> = [
    ['the chart as it is', sessionMachine],
    ['guards lineIncomplete and lineEmpty without the parse', sessionMachine.provide({ guards: { lineIncomplete: () => false, lineEmpty: () => false } })],
    ["prompting's entry action (readCommandLine) a no-op", sessionMachine.provide({ actions: { readCommandLine: () => {} } })],
    [
      'the line and command as an assign every time (main 1eeaa30)',
      sessionMachine.provide({
        actions: {
          startLineAndCommand: assign(({ context, event, self }, params: { continued: boolean }) => {
            if (event.type !== 'LINE') return {};
            const lines = params.continued ? [...context.lines, event.line] : [event.line];
            const parsed = context.host.parse(lines);
            const words = parsed.complete ? parsed.words : [];
            let pending: Promise<void> | void;
            try {
              pending = context.host.runCommand(lines, words);
            } catch (error) {
              pending = Promise.reject(error);
            }
            if (pending !== undefined) pending.then(() => self.send({ type: 'COMMAND_DONE' }), (error: unknown) => self.send({ type: 'COMMAND_FAILED', error }));
            return { lines, parsed, userCodePending: pending !== undefined };
          }),
        },
      }) as AnyStateMachine,
    ],
  ];
  const sessions = variants.map(([, machine]) => createActor(machine, { input: { host: quiet } }).start());
  // 1,000 actors in turn, as the server's sessions: one command each per round.
  const actors = Array.from({ length: 1000 }, () => createActor(sessionMachine, { input: { host: quiet } }).start());
  const round = () => {
    for (const actor of actors) actor.send({ type: 'LINE', line: 'echo hi' });
  };
  const best = new Array<number>(variants.length + 1).fill(Infinity);
  // Interleaved passes, the least of each kept: on a shared machine the least is the one least disturbed.
  for (let pass = 0; pass < 4; pass++) {
    for (const [i, session] of sessions.entries()) {
      const micros = await perCommand(() => session.send({ type: 'LINE', line: 'echo hi' }), COMMANDS / 8);
      if (pass > 0) best[i] = Math.min(best[i]!, micros);
    }
    const micros = (await perCommand(round, 25)) / actors.length;
    if (pass > 0) best[variants.length] = Math.min(best[variants.length]!, micros);
  }
  for (const [i, session] of sessions.entries()) {
    if (JSON.stringify(session.getSnapshot().value) !== '{"shell":"prompting"}') throw new Error(`${variants[i]![0]}: not back at the prompt`);
  }
  return [...variants.map(([name], i): [string, number] => [name, best[i]!]), ['the chart as it is, 1,000 actors in turn', best[variants.length]!]];
}

const perCommandMicros = await commands();
const perLoginMicros = await logins();
console.log(`XState per command: session chart ${perCommandMicros.chart.toFixed(1)} us, bare two-state machine ${perCommandMicros.bare.toFixed(1)} us (${(perCommandMicros.chart / perCommandMicros.bare).toFixed(2)}x)`);
console.log(`XState per login and logout (connect to prompt, then closed): ${perLoginMicros.toFixed(0)} us`);
for (const [name, micros] of await pieces()) console.log(`  per command (least of 3 passes), ${name}: ${micros.toFixed(1)} us`);
if (!process.argv.includes('--no-xstate6')) {
  const six = await xstate6();
  if (six) {
    console.log(
      `XState ${XSTATE6_VERSION} per command: the command loop ${six.loop.toFixed(1)} us (two macrosteps: its transitions cannot run the command), ` +
        `bare two-state machine ${six.bare.toFixed(1)} us; XState 5 above, same process`,
    );
  }
}
