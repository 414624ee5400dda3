// Waits for a line a child process prints when it is ready (`telnet listening on ...`), for the suites
// that start a built program and then connect to it.
import type { ChildProcess } from 'node:child_process';

/**
 * The first match of `pattern` in the child's stdout so far. Rejects after `timeoutMs`, or when the
 * child exits first, with what it printed on both streams.
 */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  let out = '';
  let errors = '';
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.stdout!.off('data', onOut);
      child.stderr?.off('data', onErr);
      child.off('exit', onExit);
      // Still read after the wait, so that a chatty child never blocks on a full pipe.
      child.stdout!.resume();
      child.stderr?.resume();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no line matching ${pattern}: ${out}${errors}`));
    }, timeoutMs);
    const onOut = (chunk: Buffer) => {
      out += chunk.toString();
      const match = pattern.exec(out);
      if (!match) return;
      done();
      resolve(match);
    };
    const onErr = (chunk: Buffer) => (errors += chunk.toString());
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`exited ${code}: ${out}${errors}`));
    };
    child.stdout!.on('data', onOut);
    child.stderr?.on('data', onErr);
    child.on('exit', onExit);
  });
}
