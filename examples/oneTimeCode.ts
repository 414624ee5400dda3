// A one-time-code step between the password and the welcome, added by editing the login chart only:
// two states and their transitions, and the actor that checks the code. No library code changes.
// `npx tsx examples/oneTimeCode.ts`, then `telnet 127.0.0.1 8023` (alice / secret / 424242).
import { pathToFileURL } from 'node:url';
import {
  TelnetHandler,
  authenticateInvoke,
  command,
  createServer,
  fromPromise,
  loginStates,
  sessionChart,
  sessionSetup,
  type LoginStepInput,
} from '../src/index.js';

/** Stand-ins for a password store and an authenticator app. */
const passwords = new Map([['alice', 'secret']]);
const currentCodes = new Map([['alice', '424242']]);

export const loginWithCode = sessionSetup.createStateConfig({
  ...loginStates,
  states: {
    ...loginStates.states,
    // The password is right: ask for the code instead of going to the welcome.
    checking: {
      invoke: { ...authenticateInvoke, onDone: { target: 'askingCode', actions: 'forgetPassword' } },
    },
    // Only its own line: ^C (start over), ^D (close), a line too long and the login timeout are
    // the chart's, around every login step.
    askingCode: {
      entry: { type: 'promptLine', params: { prompt: 'One-time code: ', echo: false } },
      on: { LINE: { target: 'checkingCode' } },
    },
    checkingCode: {
      invoke: {
        id: 'loginStep',
        src: 'loginStep',
        input: ({ context, event }) => ({
          host: context.host,
          username: context.username,
          line: event.type === 'LINE' ? event.line : '',
        }),
        onDone: { target: '#session.welcome', actions: ['acceptLogin', 'forgetCredentials'] },
        onError: { target: 'failed', actions: ['forgetCredentials', 'countFailedLogin'] },
      },
    },
  },
});

export const sessionWithCode = sessionSetup.createMachine(sessionChart(loginWithCode)).provide({
  actors: {
    loginStep: fromPromise<void, LoginStepInput>(async ({ input }) => {
      if (input.username === null || currentCodes.get(input.username) !== input.line) throw new Error('wrong one-time code');
    }),
  },
});

export class CodeHandler extends TelnetHandler {
  override authNeedUser = true;
  override authNeedPass = true;
  override welcome = 'Password and one-time code accepted.';

  override authCallback(username: string | null, password: string | null): void {
    if (username === null || passwords.get(username) !== password) throw new Error('bad password');
  }

  @command('whoami', { help: '\nShow who you are logged in as.' })
  whoami() {
    this.writeResponse(this.username ?? '(nobody)');
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = createServer(CodeHandler, { sessionMachine: sessionWithCode });
  const { host, port } = await server.listenTelnet({ host: '127.0.0.1', port: Number(process.env.PORT ?? 8023) });
  console.log(`telnet listening on ${host}:${port}`);
}
