import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs';
import ssh2 from 'ssh2';

export type HostKeyType = 'ed25519' | 'rsa' | 'ecdsa';

/**
 * Reads an SSH host key, or creates it when the file is missing (mode 0600, never overwriting).
 * An unreadable or malformed file is an error: a host key silently replaced would teach users to
 * ignore the "host key changed" warning.
 */
export function loadOrCreateHostKey(path: string, type: HostKeyType = 'ed25519'): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`cannot read SSH host key ${path}: ${(err as Error).message}`);
    }
    return createKeyFile(path, type);
  }
  const parsed = ssh2.utils.parseKey(text);
  if (parsed instanceof Error || (Array.isArray(parsed) && parsed.length === 0)) {
    throw new Error(`SSH host key ${path} is not a private key ssh2 can read (${parsed instanceof Error ? parsed.message : 'empty'})`);
  }
  const key = Array.isArray(parsed) ? parsed[0]! : parsed;
  if (!key.isPrivateKey()) throw new Error(`SSH host key ${path} holds a public key; a private key is needed`);
  return text;
}

/** The seed's `getRsaKeyFile`: an RSA host key (3072 bits when created). */
export function getRsaKeyFile(path: string): string {
  return loadOrCreateHostKey(path, 'rsa');
}

function createKeyFile(path: string, type: HostKeyType): string {
  const pair =
    type === 'rsa'
      ? ssh2.utils.generateKeyPairSync('rsa', { bits: 3072 })
      : type === 'ecdsa'
        ? ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 })
        : ssh2.utils.generateKeyPairSync('ed25519');
  // O_EXCL: two processes starting at once must not write over each other's key.
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    writeSync(fd, pair.private);
  } finally {
    closeSync(fd);
  }
  return pair.private;
}
