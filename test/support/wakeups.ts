/** Lets test clients wait for "something arrived" with a deadline; every arrival wakes all waiters. */
export class Wakeups {
  readonly #waiters = new Set<() => void>();

  /** Resolves at the next wake() or after `ms`, whichever comes first. */
  next(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const waiters = this.#waiters;
      const timer = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      }
      waiters.add(done);
    });
  }

  wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
