import type { ConnectionOptions } from 'bullmq';
import { Cluster, type RedisOptions } from 'ioredis';
import { reconnectDelay } from '../../../platform/redis/redis-client';
import type { BullMailQueueOptions } from './bullmq-mail-queue';

/**
 * BullMQ talks to Redis through ioredis (its own connections, apart from the node-redis client
 * of the cache and limits). For Redis Cluster it needs an ioredis Cluster instance.
 */
/** ioredis connection settings: the producer fails fast, the worker's blocking connection waits. */
export function bullConnection(
  o: Pick<BullMailQueueOptions, 'url' | 'clusterNodes' | 'commandTimeoutMs'>,
  role: 'producer' | 'worker',
  owned: Cluster[],
): ConnectionOptions {
  const common: RedisOptions = {
    connectTimeout: Math.max(1_000, o.commandTimeoutMs * 2),
    retryStrategy: (times: number) => reconnectDelay(times),
  };
  const specific: RedisOptions =
    role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: o.commandTimeoutMs }
      : { maxRetriesPerRequest: null };
  if (o.clusterNodes.length > 0) {
    const nodes = o.clusterNodes.map((u) => {
      const url = new URL(u);
      return { host: url.hostname, port: Number(url.port || 6379) };
    });
    const first = new URL(o.clusterNodes[0]);
    const auth = { username: first.username || undefined, password: first.password || undefined };
    const cluster = new Cluster(nodes, {
      redisOptions: { ...common, ...specific, ...auth },
      enableOfflineQueue: role !== 'producer',
      clusterRetryStrategy: (times: number) => reconnectDelay(times),
    });
    cluster.on('error', () => undefined); // the queue and the worker report outages themselves
    owned.push(cluster); // BullMQ does not close connections it was handed
    return cluster;
  }
  return { url: o.url, ...common, ...specific };
}
