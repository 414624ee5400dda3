// A client may ask for ssh-userauth again before it logs in (paramiko does before each attempt), a
// bounded number of times: past the bound, and after login, ssh2's own handler decides (it disconnects).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Connection } from 'ssh2';
import { acceptRepeatedUserauthRequest, MAX_REPEATED_REQUESTS } from '../../src/transports/sshServiceRequest.js';
import { silentLogger } from '../../src/logger.js';

function fakeConnection() {
  const calls: string[] = [];
  const protocol = {
    _handlers: { SERVICE_REQUEST: (_self: unknown, service: string) => calls.push(`ssh2 ${service}`) } as Record<string, unknown>,
    serviceAccept: (service: string) => calls.push(`accept ${service}`),
  };
  const client = { _protocol: protocol, authenticated: false };
  acceptRepeatedUserauthRequest(client as unknown as Connection, silentLogger);
  const request = (service: string) => (protocol._handlers.SERVICE_REQUEST as (self: unknown, service: string) => void)(protocol, service);
  return { calls, client, request };
}

test('the first request is ssh2s; repeats up to the bound are accepted, one past it goes to ssh2 again', () => {
  const { calls, request } = fakeConnection();
  request('ssh-userauth');
  assert.equal(calls, ['ssh2 ssh-userauth']);
  for (let i = 0; i < MAX_REPEATED_REQUESTS; i++) request('ssh-userauth');
  assert.is(calls.filter((c) => c === 'accept ssh-userauth').length, MAX_REPEATED_REQUESTS);
  request('ssh-userauth');
  assert.is(calls.at(-1), 'ssh2 ssh-userauth', 'past the bound: ssh2 decides');
  assert.is(calls.length, MAX_REPEATED_REQUESTS + 2);
});

test('after login, or for another service, a repeat is ssh2s to judge', () => {
  const { calls, client, request } = fakeConnection();
  request('ssh-userauth');
  request('ssh-connection');
  assert.equal(calls, ['ssh2 ssh-userauth', 'ssh2 ssh-connection']);
  client.authenticated = true;
  request('ssh-userauth');
  assert.equal(calls.at(-1), 'ssh2 ssh-userauth');
});

test.run();
