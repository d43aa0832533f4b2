/** The MongoDB models with no server, and the indexes each collection declares (plus _id's). */
import mongoose from 'mongoose';
import { createModels, type CollectionKey, type MongoModels } from '../../../src/store/mongo/mongo-models';
import type { IndexSpec } from './index-coverage';

export const models: MongoModels = createModels(mongoose.createConnection());

export function indexesOf(collection: CollectionKey): IndexSpec[] {
  const declared = models[collection].schema.indexes().map(([keys, options]) => ({
    keys: Object.entries(keys as Record<string, number>),
    options: options as Record<string, unknown>,
  }));
  return [{ keys: [['_id', 1]], options: { unique: true } }, ...declared];
}
