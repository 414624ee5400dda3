// Shared by both bench servers: answers the runner's IPC questions about this process.
export function answerStats(): void {
  process.on('SIGTERM', () => process.exit(0));
  process.on('message', (message: unknown) => {
    if (message !== 'stats') return;
    (globalThis as { gc?: () => void }).gc?.();
    const cpu = process.cpuUsage();
    process.send?.({ rss: process.memoryUsage().rss, cpuMicros: cpu.user + cpu.system });
  });
}
