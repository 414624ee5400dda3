import { createActor } from 'xstate';
import { sessionMachine } from '../../src/machines/session.js';
import { parseCommandLine } from '../../src/shell/parser.js';

const host: any = {
  settings: { prompt: '> ', continuePrompt: '... ', issue: null, welcome: 'hi', promptUser: 'U: ', promptPass: 'P: ',
    authNeedUser: true, authNeedPass: false, hasAuthCallback: true, authenticatedUser: null, needsNegotiation: true,
    execCommand: null, negotiationTimeoutMs: 500, loginTimeoutMs: 60000, maxLoginAttempts: 3, loginRetryDelayMs: 0 },
  write() {}, promptLine() {}, parse: (l: string[]) => parseCommandLine(l.join('\n')),
  authenticate: async () => {}, acceptLogin() {}, sessionStart: async () => {},
  runCommand: () => undefined, runExec: async () => {}, reportError() {}, setTerminalType() {}, setWindowSize() {}, log() {},
  disconnect() {}, sessionEnd: async () => {},
};
const N = Number(process.argv[2] ?? 20000);
const actors: any[] = [];
for (let round = 0; round < 2; round++) {
  const t0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const actor = createActor(sessionMachine, { input: { host } });
    actor.start();
    if (process.env.EXTRA) actor.send({ type: 'RESIZE', width: 80, height: 24 });
    actor.send({ type: 'NEGOTIATED' });
    if (process.env.EXTRA) actor.send({ type: 'TERMINAL_TYPE', term: 'XTERM' });
    if (process.env.EXTRA) actor.send({ type: 'TERMINAL_TYPE', term: 'XTERM' });
    actor.send({ type: 'LINE', line: 'bench' });
    await null; await null; await null; await null; await null; await null;
    if (round === 1) actors.push(actor); else actor.stop();
  }
  const cu = process.cpuUsage(t0);
  console.log('login us', ((cu.user + cu.system) / N).toFixed(1), actors[0]?.getSnapshot().value);
}
(globalThis as any).gc?.();
const before = process.memoryUsage().heapUsed;
console.log('heap MB', (before / 1e6).toFixed(1), 'per actor KB', (before / N / 1024).toFixed(2));
