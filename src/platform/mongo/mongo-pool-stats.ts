import type mongoose from 'mongoose';
import type { PoolStats } from '../metrics-backends';

/**
 * The driver's connection pools (one per server), summed from its pool events: connections
 * created and closed, checked out and in, and check-outs still waiting. Read on scrape.
 */
export function watchMongoPool(client: mongoose.mongo.MongoClient, max: number): () => PoolStats {
  let size = 0;
  let busy = 0;
  let waiting = 0;
  client.on('connectionCreated', () => void size++);
  client.on('connectionClosed', () => void (size = Math.max(0, size - 1)));
  client.on('connectionCheckOutStarted', () => void waiting++);
  client.on('connectionCheckOutFailed', () => void (waiting = Math.max(0, waiting - 1)));
  client.on('connectionCheckedOut', () => {
    waiting = Math.max(0, waiting - 1);
    busy++;
  });
  client.on('connectionCheckedIn', () => void (busy = Math.max(0, busy - 1)));
  return () => ({ size, idle: Math.max(0, size - busy), waiting, max });
}
