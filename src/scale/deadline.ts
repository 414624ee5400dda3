/**
 * `work`, or a rejection after `ms` ("no answer in N ms"), or `signal.reason` when the signal is
 * aborted first: a wait on another process (a hung Redis, a stopped primary) that always ends.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => finish(() => reject(signal!.reason));
    const timer = setTimeout(() => finish(() => reject(new Error(`no answer in ${ms} ms`))), ms);
    function finish(settle: () => void): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => finish(() => resolve(value)),
      (err: unknown) => finish(() => reject(err)),
    );
  });
}
