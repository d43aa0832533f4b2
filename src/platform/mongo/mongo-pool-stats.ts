import type mongoose from 'mongoose';
import type { PoolStats } from '../metrics-backends';

const watched = new WeakMap<object, () => PoolStats>();

/**
 * The driver's connection pools (one per server), summed from its pool events: connections
 * created and closed, checked out and in, and check-outs still waiting. Read on scrape. One
 * watch per client: call it before the client connects (connectMongo does) to count every
 * connection; a later call returns the same watch.
 */
export function watchMongoPool(client: mongoose.mongo.MongoClient, max: number): () => PoolStats {
  const known = watched.get(client);
  if (known) return known;
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
  const read = () => ({ size, idle: Math.max(0, size - busy), waiting, max });
  watched.set(client, read);
  return read;
}
