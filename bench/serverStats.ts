// Shared by both bench servers: answers the runner's IPC questions about this process.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import path from 'node:path';

export function answerStats(): void {
  process.on('SIGTERM', () => process.exit(0));
  let profiler: Session | null = null;
  process.on('message', (message: unknown) => {
    if (message === 'stats') {
      // CPU is read before the full GC that settles RSS: with 10,000 sessions that GC alone takes
      // hundreds of milliseconds, which must not be billed to the phase it ends.
      const cpu = process.cpuUsage();
      (globalThis as { gc?: () => void }).gc?.();
      const memory = process.memoryUsage();
      process.send?.({
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        heapTotal: memory.heapTotal,
        external: memory.external,
        arrayBuffers: memory.arrayBuffers,
        cpuMicros: cpu.user + cpu.system,
      });
    } else if (message === 'cpu') {
      const cpu = process.cpuUsage();
      process.send?.({ cpuOnly: cpu.user + cpu.system });
    } else if (typeof message === 'object' && message !== null && 'heapSnapshot' in message) {
      const file = path.join(process.env.BENCH_HEAP ?? '.', `${String(message.heapSnapshot)}-${process.pid}.heapsnapshot`);
      process.send?.({ heapSnapshot: writeHeapSnapshot(file) });
    } else if (message === 'profile-start') {
      // A profile of one phase only (BENCH_PROFILE), not of start-up: CPU, or with BENCH_ALLOC every
      // allocation sampled, the ones garbage-collected since included (what the GC has to do).
      profiler = new Session();
      profiler.connect();
      const started = () => process.send?.({ profiling: true });
      if (process.env.BENCH_ALLOC) {
        profiler.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }, started);
      } else {
        profiler.post('Profiler.enable', () => profiler?.post('Profiler.start', started));
      }
    } else if (typeof message === 'object' && message !== null && 'profileStop' in message && profiler) {
      const session = profiler;
      profiler = null;
      const save = (err: Error | null, profile: unknown, extension: string) => {
        const file = path.join(process.env.BENCH_PROFILE ?? '.', `${String(message.profileStop)}-${process.pid}.${extension}`);
        if (!err) writeFileSync(file, JSON.stringify(profile));
        session.disconnect();
        process.send?.({ profiled: err ? String(err) : file });
      };
      if (process.env.BENCH_ALLOC) session.post('HeapProfiler.stopSampling', (err, result) => save(err, result?.profile, 'heapprofile'));
      else session.post('Profiler.stop', (err, result) => save(err, result?.profile, 'cpuprofile'));
    }
  });
}
