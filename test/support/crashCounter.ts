// For a server process under attack: what would otherwise kill it (an unhandled rejection or an
// uncaught exception) is counted and written to its log, so the parent can ask for the count.

/** Installs the handlers; the function returned gives the count so far. */
export function countCrashes(log: string[]): () => number {
  let crashes = 0;
  process.on('unhandledRejection', (reason) => {
    crashes++;
    log.push(`unhandledRejection ${String(reason)}`);
  });
  process.on('uncaughtException', (error) => {
    crashes++;
    log.push(`uncaughtException ${error.stack ?? String(error)}`);
  });
  return () => crashes;
}
