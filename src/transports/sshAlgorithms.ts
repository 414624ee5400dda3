// ssh2's algorithm names, spelled here: the package's public types must not need @types/ssh2.
export type KexAlgorithm =
  | 'curve25519-sha256' | 'curve25519-sha256@libssh.org'
  | 'ecdh-sha2-nistp256' | 'ecdh-sha2-nistp384' | 'ecdh-sha2-nistp521'
  | 'diffie-hellman-group-exchange-sha256' | 'diffie-hellman-group14-sha256' | 'diffie-hellman-group15-sha512'
  | 'diffie-hellman-group16-sha512' | 'diffie-hellman-group17-sha512' | 'diffie-hellman-group18-sha512'
  | 'diffie-hellman-group-exchange-sha1' | 'diffie-hellman-group14-sha1' | 'diffie-hellman-group1-sha1';
export type CipherAlgorithm =
  | 'chacha20-poly1305@openssh.com' | 'aes128-gcm@openssh.com' | 'aes256-gcm@openssh.com'
  | 'aes128-ctr' | 'aes192-ctr' | 'aes256-ctr' | 'aes256-cbc' | 'aes192-cbc' | 'aes128-cbc'
  | 'blowfish-cbc' | '3des-cbc' | 'aes128-gcm' | 'aes256-gcm' | 'arcfour256' | 'arcfour128' | 'cast128-cbc' | 'arcfour';
export type MacAlgorithm =
  | 'hmac-sha2-256-etm@openssh.com' | 'hmac-sha2-512-etm@openssh.com' | 'hmac-sha1-etm@openssh.com'
  | 'hmac-sha2-256' | 'hmac-sha2-512' | 'hmac-sha1' | 'hmac-md5' | 'hmac-sha2-256-96' | 'hmac-sha2-512-96'
  | 'hmac-ripemd160' | 'hmac-sha1-96' | 'hmac-md5-96';
export type ServerHostKeyAlgorithm =
  | 'ssh-ed25519' | 'ecdsa-sha2-nistp256' | 'ecdsa-sha2-nistp384' | 'ecdsa-sha2-nistp521'
  | 'rsa-sha2-512' | 'rsa-sha2-256' | 'ssh-rsa' | 'ssh-dss';
export type CompressionAlgorithm = 'none' | 'zlib@openssh.com' | 'zlib';

/** A whole list (exact, in order of preference), or changes to the default list. */
export type AlgorithmChoice<T extends string> = T[] | { append?: T | T[]; prepend?: T | T[]; remove?: T | T[] };

/** The `algorithms` option of `listenSsh`: ssh2's algorithm names, applied to `DEFAULT_SSH_ALGORITHMS`. */
export interface SshAlgorithms {
  kex?: AlgorithmChoice<KexAlgorithm>;
  cipher?: AlgorithmChoice<CipherAlgorithm>;
  serverHostKey?: AlgorithmChoice<ServerHostKeyAlgorithm>;
  hmac?: AlgorithmChoice<MacAlgorithm>;
  compress?: AlgorithmChoice<CompressionAlgorithm>;
}

export interface ResolvedSshAlgorithms {
  kex: KexAlgorithm[];
  cipher: CipherAlgorithm[];
  serverHostKey: ServerHostKeyAlgorithm[];
  hmac: MacAlgorithm[];
  compress: CompressionAlgorithm[];
}

/**
 * What a hardening guide (and `ssh-audit`) accepts, and every current OpenSSH, PuTTY, paramiko and
 * asyncssh client speaks. Left out of ssh2's own defaults: NIST-curve ECDH (doubted curves), the
 * 2048-bit and odd-sized DH groups, SHA-1 and encrypt-and-MAC MACs, SHA-1 RSA signatures (`ssh-rsa`),
 * and plain `zlib`, which inflates an anonymous client's packets before anyone has logged in
 * (`zlib@openssh.com` starts only after login). ssh2 adds strict key exchange (the Terrapin fix) itself.
 */
export const DEFAULT_SSH_ALGORITHMS: Readonly<ResolvedSshAlgorithms> = Object.freeze<ResolvedSshAlgorithms>({
  kex: [
    'curve25519-sha256',
    'curve25519-sha256@libssh.org',
    'diffie-hellman-group-exchange-sha256',
    'diffie-hellman-group16-sha512',
    'diffie-hellman-group18-sha512',
  ],
  // AEAD first; CTR (with an etm MAC) for clients without them (paramiko 2).
  cipher: [
    'chacha20-poly1305@openssh.com',
    'aes256-gcm@openssh.com',
    'aes128-gcm@openssh.com',
    'aes256-ctr',
    'aes192-ctr',
    'aes128-ctr',
  ],
  // ECDSA stays so that an ECDSA host key still serves; only the key you give is offered.
  serverHostKey: [
    'ssh-ed25519',
    'rsa-sha2-512',
    'rsa-sha2-256',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
  ],
  hmac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com'],
  compress: ['none', 'zlib@openssh.com'],
});

/** The lists to offer: the defaults with the user's changes applied (ssh2 checks every name). */
export function resolveSshAlgorithms(choice: SshAlgorithms = {}): ResolvedSshAlgorithms {
  return {
    kex: resolve(DEFAULT_SSH_ALGORITHMS.kex, choice.kex),
    cipher: resolve(DEFAULT_SSH_ALGORITHMS.cipher, choice.cipher),
    serverHostKey: resolve(DEFAULT_SSH_ALGORITHMS.serverHostKey, choice.serverHostKey),
    hmac: resolve(DEFAULT_SSH_ALGORITHMS.hmac, choice.hmac),
    compress: resolve(DEFAULT_SSH_ALGORITHMS.compress, choice.compress),
  };
}

function resolve<T extends string>(defaults: readonly T[], choice: AlgorithmChoice<T> | undefined): T[] {
  if (choice === undefined) return [...defaults];
  if (Array.isArray(choice)) {
    if (choice.length === 0) throw new Error('an SSH algorithm list must not be empty');
    return [...choice];
  }
  const listOf = (value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  const removed = new Set(listOf(choice.remove));
  const prepend = listOf(choice.prepend);
  const append = listOf(choice.append);
  const list = [...prepend, ...defaults, ...append].filter((name) => !removed.has(name));
  const unique = [...new Set(list)];
  if (unique.length === 0) throw new Error('an SSH algorithm list must not be empty');
  return unique;
}

// The names above must stay ssh2's own: a type error here when ssh2 renames or drops one.
type SameNames<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const namesMatchSsh2: [
  SameNames<KexAlgorithm, import('ssh2').KexAlgorithm>,
  SameNames<CipherAlgorithm, import('ssh2').CipherAlgorithm>,
  SameNames<MacAlgorithm, import('ssh2').MacAlgorithm>,
  SameNames<ServerHostKeyAlgorithm, import('ssh2').ServerHostKeyAlgorithm>,
  SameNames<CompressionAlgorithm, import('ssh2').CompressionAlgorithm>,
] = [true, true, true, true, true];
void namesMatchSsh2;
