// ssh-audit against the SSH listener: no [fail] and no pre-auth `zlib` with the default algorithms;
// the same check does flag a server widened with a NIST curve and plain zlib (so it can fail).
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import ssh2 from 'ssh2';
import { createServer } from '../../src/server.js';
import { createDemoHandler } from '../../src/demo/testHandler.js';
import { resolveSshAlgorithms, type SshAlgorithms } from '../../src/transports/sshAlgorithms.js';
import { silentLogger } from '../../src/logger.js';
import { runProgram } from '../support/run.js';
import { testNeeding } from '../support/tools.js';

const test = testNeeding('transports/sshAudit', ['ssh-audit'], uvuTest);
const hostKey = ssh2.utils.generateKeyPairSync('ed25519').private;

interface Audit {
  failures: string[];
  compression: string[];
  output: string;
  code: number | null;
}

async function audit(algorithms?: SshAlgorithms): Promise<Audit> {
  const server = createServer(createDemoHandler(), { logger: silentLogger });
  try {
    const { port } = await server.listenSsh({ port: 0, hostKey, algorithms });
    const result = await runProgram('ssh-audit', ['-n', '-p', String(port), '127.0.0.1'], { timeoutMs: 60_000 });
    const output = result.stdout + result.stderr;
    const compression = /\(gen\) compression: enabled \(([^)]*)\)/.exec(output)?.[1]?.split(/,\s*/) ?? [];
    return { failures: output.split('\n').filter((line) => line.includes('[fail]')), compression, output, code: result.code };
  } finally {
    await server.close({ timeoutMs: 1000 });
  }
}

test('the default algorithms: no [fail], no zlib before login, curve25519 and AEAD offered', async () => {
  const result = await audit();
  assert.match(result.output, /\(kex\) curve25519-sha256 /, result.output);
  assert.equal(result.failures, [], result.output);
  assert.not.ok(result.compression.includes('zlib'), `compression offered: ${result.compression.join(', ')}`);
  assert.match(result.output, /\(enc\) chacha20-poly1305@openssh\.com/);
  assert.not.match(result.output, /\(mac\) hmac-sha1|\(mac\) hmac-sha2-256 |ecdh-sha2-nistp/);
  // ssh-audit 2.5 exits 3 on a failure; 2 (warning) is its word for kex-strict, which it does not know.
  assert.is.not(result.code, 3, result.output);
});

test('the check can fail: NIST ECDH and plain zlib added through `algorithms` are flagged', async () => {
  const result = await audit({ kex: { append: 'ecdh-sha2-nistp256' }, compress: { append: 'zlib' } });
  assert.ok(result.failures.some((line) => line.includes('ecdh-sha2-nistp256')), result.output);
  assert.ok(result.compression.includes('zlib'), result.output);
});

test('algorithms: whole lists replace the defaults; remove/prepend change them; an empty list is an error', () => {
  assert.equal(resolveSshAlgorithms({ cipher: ['aes256-ctr'] }).cipher, ['aes256-ctr']);
  const changed = resolveSshAlgorithms({ kex: { remove: ['diffie-hellman-group18-sha512'], prepend: 'diffie-hellman-group14-sha256' } }).kex;
  assert.equal(changed, ['diffie-hellman-group14-sha256', 'curve25519-sha256', 'curve25519-sha256@libssh.org', 'diffie-hellman-group-exchange-sha256', 'diffie-hellman-group16-sha512']);
  assert.throws(() => resolveSshAlgorithms({ hmac: [] }), /must not be empty/);
  assert.throws(() => resolveSshAlgorithms({ compress: { remove: ['none', 'zlib@openssh.com'] } }), /must not be empty/);
});

test.run();
