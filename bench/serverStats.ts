// Shared by both bench servers: answers the runner's IPC questions about this process.
export function answerStats(): void {
  process.on('SIGTERM', () => process.exit(0));
  process.on('message', (message: unknown) => {
    if (message !== 'stats') return;
    // CPU is read on both sides of the full GC that settles RSS: with 10,000 sessions that GC alone
    // takes hundreds of milliseconds, which must not be billed to the phase it starts or ends.
    const before = process.cpuUsage();
    (globalThis as { gc?: () => void }).gc?.();
    const after = process.cpuUsage();
    process.send?.({ rss: process.memoryUsage().rss, cpuMicros: before.user + before.system, cpuMicrosAfterGc: after.user + after.system });
  });
}
