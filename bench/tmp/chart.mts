import { createActor } from 'xstate';
import { sessionMachine } from '../../src/machines/session.js';
import { parseCommandLine } from '../../src/shell/parser.js';

let pending: (() => void) | null = null;
const host: any = {
  settings: { prompt: '> ', continuePrompt: '... ', issue: null, welcome: 'hi', promptUser: 'U: ', promptPass: 'P: ',
    authNeedUser: true, authNeedPass: false, hasAuthCallback: false, authenticatedUser: null, needsNegotiation: false,
    execCommand: null, negotiationTimeoutMs: 500, loginTimeoutMs: 0, maxLoginAttempts: 3, loginRetryDelayMs: 0 },
  write() {}, promptLine() {}, parse: (l: string[]) => parseCommandLine(l.join('\n')),
  authenticate: async () => {}, acceptLogin() {}, sessionStart: async () => {},
  runCommand: () => undefined, runExec: async () => {}, reportError() {}, setTerminalType() {}, setWindowSize() {}, log() {},
  disconnect() {}, sessionEnd: async () => {},
};
const actor = createActor(sessionMachine, { input: { host } });
actor.start();
await new Promise((r) => setTimeout(r, 10));
console.log(actor.getSnapshot().value);
const N = 200000;
const t0 = process.cpuUsage();
const s = performance.now();
for (let i = 0; i < N; i++) {
  actor.send({ type: 'LINE', line: 'echo hi' });
  await null; await null; await null;
}
const dt = performance.now() - s;
const cu = process.cpuUsage(t0);
console.log('us/cmd wall', (dt * 1000 / N).toFixed(2), 'cpu', ((cu.user + cu.system) / N).toFixed(2), actor.getSnapshot().value);
