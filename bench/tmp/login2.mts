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
const N = 10000;
const t = [0, 0, 0, 0, 0];
const cpu = () => { const c = process.cpuUsage(); return c.user + c.system; };
for (let round = 0; round < 3; round++) {
  t.fill(0);
  for (let i = 0; i < N; i++) {
    let a = cpu();
    const actor = createActor(sessionMachine, { input: { host } });
    let b = cpu(); t[0] += b - a; a = b;
    actor.start();
    b = cpu(); t[1] += b - a; a = b;
    actor.send({ type: 'NEGOTIATED' });
    b = cpu(); t[2] += b - a; a = b;
    actor.send({ type: 'LINE', line: 'bench' });
    b = cpu(); t[3] += b - a; a = b;
    await null; await null; await null; await null; await null; await null;
    b = cpu(); t[4] += b - a; a = b;
    actor.stop();
  }
  console.log('create/start/negotiated/line/settle us', t.map((x) => (x / N).toFixed(1)).join(' '));
}
