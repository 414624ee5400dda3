// The library server of `bench/memory.ts`: the bench's demo server, answering memory questions with
// V8's heap spaces too (committed and used per space), with or without a full GC first.
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createServer } from '../src/server.js';
import { silentLogger } from '../src/logger.js';
import { createDemoHandler } from '../src/demo/testHandler.js';

const server = createServer(createDemoHandler(), { logger: silentLogger, maxSessionsPerAddress: 0 });
const { port } = await server.listenTelnet({ host: '127.0.0.1', port: 0 });

process.on('SIGTERM', () => process.exit(0));
// BENCH_PROMOTED=dir: V8's sampling heap profile of the connect phase, counting what a major GC
// collected but not what a scavenge did: the objects that lived long enough to reach the old
// generation (the live ones and the garbage that fragments it), by where they were allocated; the
// young objects a full collection swept are counted too.
let profiler: Session | null = null;
process.on('message', (message: { op: string; gc?: boolean; name?: string }) => {
  if (message.op === 'memory') {
    if (message.gc) (globalThis as { gc?: () => void }).gc?.();
    const memory = process.memoryUsage();
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { committed: s.space_size, used: s.space_used_size }]));
    process.send?.({ op: 'memory', memory, spaces });
  } else if (message.op === 'profile-start') {
    profiler = new Session();
    profiler.connect();
    profiler.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false }, () =>
      process.send?.({ op: 'profiling' }),
    );
  } else if (message.op === 'profile-stop' && profiler) {
    const session = profiler;
    profiler = null;
    session.post('HeapProfiler.stopSampling', (err, result) => {
      const file = path.join(process.env.BENCH_PROMOTED ?? '.', `promoted-${process.pid}.heapprofile`);
      if (!err) writeFileSync(file, JSON.stringify(result.profile));
      session.disconnect();
      process.send?.({ op: 'profiled', file: err ? String(err) : file });
    });
  } else if (message.op === 'snapshot') {
    const file = path.join(process.env.BENCH_HEAP ?? '.', `${message.name ?? 'heap'}-${process.pid}.heapsnapshot`);
    process.send?.({ op: 'snapshot', file: writeHeapSnapshot(file) });
  }
});
process.send?.({ port });
