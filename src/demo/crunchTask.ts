import { createHash } from 'node:crypto';

/** Rounds hashed between two looks at the clock: about a millisecond of work. */
const ROUNDS_PER_CHECK = 500;

/**
 * The demo's CPU work (run in a worker thread by `crunch`): SHA-256 over its own digest, round after
 * round, until `seconds` have passed. Returns how many rounds it did and the last digest's start.
 */
export function crunch(seconds: number): { rounds: number; digest: string } {
  const end = performance.now() + seconds * 1000;
  let digest = Buffer.alloc(32);
  let rounds = 0;
  do {
    for (let i = 0; i < ROUNDS_PER_CHECK; i++) digest = createHash('sha256').update(digest).digest();
    rounds += ROUNDS_PER_CHECK;
  } while (performance.now() < end);
  return { rounds, digest: digest.toString('hex').slice(0, 16) };
}
