import type { ChildProcess } from 'node:child_process';

/** The next IPC message from a bench child that `predicate` accepts (a child silent for `timeoutMs` is an error). */
export function nextMessage<T>(child: ChildProcess, predicate: (message: any) => boolean, timeoutMs = 300_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench child did not answer in time')), timeoutMs);
    const onMessage = (message: unknown) => {
      if (!predicate(message)) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
  });
}

/** Ends a bench round: the load generator told to close, the server asked to exit (SIGTERM), then both killed. */
export async function stopBenchChildren(server: ChildProcess, load: ChildProcess): Promise<void> {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  load.send?.({ op: 'close' });
  // SIGTERM first: the servers exit cleanly on it; then no mercy.
  server.kill('SIGTERM');
  await sleep(100);
  server.kill('SIGKILL');
  load.kill('SIGKILL');
  await sleep(300);
}
