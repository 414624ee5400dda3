// The demo handler over SSH on 127.0.0.1 for suites that drive the real OpenSSH/PuTTY clients: a fresh
// ed25519 client key is made for them and accepted, and so is one password.
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createServer, type Server } from '../../src/server.js';
import { createDemoHandler } from '../../src/demo/testHandler.js';
import { recordingLogger } from './demoServer.js';
import { runProgram } from './run.js';

export interface SshDemoOptions {
  /** Where the host key (host_key) is kept. */
  dir: string;
  /** Where ssh-keygen writes the client key (and `.pub` beside it). */
  clientKey: string;
  /** The one password accepted. */
  password: string;
  /** Receives the server's log lines. */
  log: string[];
}

export async function startSshDemo({ dir, clientKey, password, log }: SshDemoOptions): Promise<{ server: Server; port: number }> {
  const keygen = await runProgram('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKey]);
  assert.is(keygen.code, 0, keygen.stderr);
  const authorized = readFileSync(`${clientKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  const server = createServer(createDemoHandler(), { logger: recordingLogger(log) });
  const { port } = await server.listenSsh({
    host: '127.0.0.1',
    port: 0,
    hostKeyFile: path.join(dir, 'host_key'),
    authCallbackKey: (_user, key) => {
      if (key.openssh !== authorized) throw new Error('unknown key');
    },
    authCallback: (_user, actual) => {
      if (actual !== password) throw new Error('wrong password');
    },
  });
  return { server, port };
}
