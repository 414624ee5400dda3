import cluster from 'node:cluster';
import type { Server } from '../server.js';
import { createStderrLogger } from '../logger.js';
import { ClusterWorkerBackend } from './clusterBackend.js';
import { runClusterPrimary } from './clusterPrimary.js';
import { RedisBackend } from './redisBackend.js';
import { scaleOut, type ScaleOut, type ScaleOutOptions } from './scaleOut.js';

// The demo's --workers and --redis: how a program of your own would do the same.

/** With more than one worker, the primary runs here (returns true) and the workers run the rest. */
export function runPrimaryIfClustered(workersFlag: string): boolean {
  const workers = Number(workersFlag);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw new Error(`--workers needs 1 to 256, not ${JSON.stringify(workersFlag)}`);
  if (workers === 1 || !cluster.isPrimary) return false;
  const logger = createStderrLogger();
  logger.info(`cluster: primary pid ${process.pid} starting ${workers} workers`);
  const { stopped } = runClusterPrimary({ workers, logger });
  void stopped.then(() => process.exit(0));
  return true;
}

/** Joins the server to the other processes: through Redis when a URL is given, else the cluster's primary. */
export async function startScaleOut(server: Server, redisUrl: string | undefined, options: ScaleOutOptions = {}): Promise<ScaleOut | null> {
  if (redisUrl !== undefined) return scaleOut(server, await RedisBackend.connect(redisUrl, { logger: server.logger }), options);
  if (cluster.isWorker) return scaleOut(server, new ClusterWorkerBackend(server.logger), options);
  return null;
}
