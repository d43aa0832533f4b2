import mongoose, { type ClientSession } from 'mongoose';
import { ConflictError, UnavailableError } from '../../../src/platform/errors/app-error';
import { isTransientTransactionError, mapMongoError } from '../../../src/platform/mongo/mongo-errors';
import { createModels, type MongoModels } from '../../../src/store/mongo/mongo-models';
import { createMongoOps } from '../../../src/platform/mongo/mongo-ops';

/**
 * Driver errors become domain errors, and inside a transaction the transient ones go back to
 * the driver untouched so that withTransaction reruns the work. Offline: the errors are built
 * as the driver builds them, and the model calls are stubbed (no server here).
 */
const { MongoServerError, MongoNetworkError, MongoNetworkTimeoutError, MongoServerSelectionError } =
  mongoose.mongo;

const serverError = (code: number, codeName: string, errorLabels: string[] = []) =>
  new MongoServerError({
    code,
    codeName,
    errmsg: `${codeName} on {email: "someone@example.com"}`,
    errorLabels,
  });
const duplicateKey = () =>
  new MongoServerError({
    code: 11000,
    errmsg:
      'E11000 duplicate key error collection: otp.users index: email_1 dup key: { email: "someone@example.com" }',
  });

describe('mapMongoError', () => {
  it('when the server reports a duplicate key, then it is a ConflictError that does not quote the key', () => {
    const cause = duplicateKey();
    const mapped = mapMongoError(cause);
    expect(mapped).toBeInstanceOf(ConflictError);
    expect(mapped.cause).toBe(cause);
    expect(mapped.message).not.toContain('someone@example.com');
  });

  it('when a bulk write reports a duplicate key in writeErrors, then it is a ConflictError', () => {
    const bulk = Object.assign(new Error('bulk'), { writeErrors: [{ code: 11000 }] });
    expect(mapMongoError(bulk)).toBeInstanceOf(ConflictError);
  });

  it.each([
    ['network error', new MongoNetworkError('connect ECONNREFUSED 127.0.0.1:27017')],
    ['network timeout', new MongoNetworkTimeoutError('connection timed out')],
    [
      'server selection timeout',
      new MongoServerSelectionError('Server selection timed out after 5000 ms', {
        type: 'Unknown',
        servers: new Map(),
      } as never),
    ],
    ['not writable primary (step-down)', serverError(10107, 'NotWritablePrimary')],
    ['shutdown in progress', serverError(91, 'ShutdownInProgress')],
    ['interrupted by a replica-set state change', serverError(11602, 'InterruptedDueToReplStateChange')],
    ['maxTimeMS expired', serverError(50, 'MaxTimeMSExpired')],
    [
      'a write conflict left after the transaction retries',
      serverError(112, 'WriteConflict', ['TransientTransactionError']),
    ],
    ['a retryable write error', serverError(189, 'PrimarySteppedDown', ['RetryableWriteError'])],
    [
      'mongoose buffering timeout',
      new mongoose.Error('Operation `users.findOne()` buffering timed out after 10000ms'),
    ],
    [
      'mongoose server selection error',
      Object.assign(new Error('connect ECONNREFUSED'), { name: 'MongooseServerSelectionError' }),
    ],
  ])('when the driver reports a %s, then it is UnavailableError keeping the cause', (_, cause) => {
    const mapped = mapMongoError(cause);
    expect(mapped).toBeInstanceOf(UnavailableError);
    expect(mapped.cause).toBe(cause);
    expect(mapped.message).toBe('database unavailable');
  });

  it('when the error is not the driver’s (a validation error, a domain error), then it passes through unchanged', () => {
    const validation = new mongoose.Error.ValidationError();
    const domain = new Error('work failed');
    const conflict = new ConflictError('already');
    expect(mapMongoError(validation)).toBe(validation);
    expect(mapMongoError(domain)).toBe(domain);
    expect(mapMongoError(conflict)).toBe(conflict);
    expect(mapMongoError('boom')).toEqual(new Error('boom'));
  });

  it('when an error carries TransientTransactionError or UnknownTransactionCommitResult, then it is transient', () => {
    expect(
      isTransientTransactionError(serverError(112, 'WriteConflict', ['TransientTransactionError'])),
    ).toBe(true);
    expect(
      isTransientTransactionError(serverError(50, 'MaxTimeMSExpired', ['UnknownTransactionCommitResult'])),
    ).toBe(true);
    expect(isTransientTransactionError(duplicateKey())).toBe(false);
    expect(isTransientTransactionError(new Error('x'))).toBe(false);
  });
});

describe('collection operations and driver errors', () => {
  let models: MongoModels;
  const fakeSession = {} as ClientSession;
  const opsFor = (session?: ClientSession) =>
    createMongoOps({
      models,
      session,
      sessionReadPreference: 'primary',
      runInTransaction: async () => {
        throw new Error('not used');
      },
    });

  beforeAll(() => {
    models = createModels(mongoose.createConnection());
  });
  afterEach(() => jest.restoreAllMocks());

  const updateResult = {
    acknowledged: true,
    matchedCount: 1,
    modifiedCount: 0,
    upsertedCount: 0,
    upsertedId: null,
  };

  it('when an upsert outside a transaction loses the insert race (E11000), then it is retried once and matches', async () => {
    const updateOne = jest
      .spyOn(models.suppressions, 'updateOne')
      .mockRejectedValueOnce(duplicateKey() as never)
      .mockResolvedValueOnce(updateResult as never);
    const result = await opsFor().updateOne(
      'suppressions',
      { email: 'someone@example.com' },
      { $setOnInsert: { reason: 'bounce', source: 'ses', createdAt: new Date() } },
      { upsert: true },
    );
    expect(result).toEqual({ matched: 1, modified: 0, upserted: false });
    expect(updateOne).toHaveBeenCalledTimes(2);
  });

  it('when an upsert inside a transaction hits E11000, then the raw error goes back labelled transient so the unit reruns', async () => {
    const cause = duplicateKey();
    jest.spyOn(models.users, 'updateOne').mockRejectedValueOnce(cause as never);
    const failure = opsFor(fakeSession).updateOne(
      'users',
      { email: 'someone@example.com' },
      { $setOnInsert: { _id: 'u1', createdAt: new Date() }, $set: { lastLoginAt: new Date() } },
      { upsert: true },
    );
    await expect(failure).rejects.toBe(cause);
    expect(cause.hasErrorLabel('TransientTransactionError')).toBe(true);
  });

  it('when a write conflict happens inside a transaction, then it reaches the driver untouched; outside, it is a 503', async () => {
    const conflict = serverError(112, 'WriteConflict', ['TransientTransactionError']);
    jest.spyOn(models.sessions, 'updateMany').mockRejectedValue(conflict as never);
    await expect(opsFor(fakeSession).updateMany('sessions', { userId: 'u' }, { $set: {} })).rejects.toBe(
      conflict,
    );
    await expect(opsFor().updateMany('sessions', { userId: 'u' }, { $set: {} })).rejects.toBeInstanceOf(
      UnavailableError,
    );
  });

  it('when an insert hits a unique index, then it is a ConflictError, in a transaction too', async () => {
    jest.spyOn(models.refreshTokens.prototype, 'save').mockRejectedValue(duplicateKey() as never);
    const doc = {
      tokenHash: 'h',
      sessionId: 's',
      parentHash: 'p',
      createdAt: new Date(),
      rotatedAt: null,
      purgeAt: new Date(),
    };
    await expect(opsFor().insertOne('refreshTokens', doc)).rejects.toBeInstanceOf(ConflictError);
    await expect(opsFor(fakeSession).insertOne('refreshTokens', doc)).rejects.toBeInstanceOf(ConflictError);
  });

  it('when an upsert would insert a value outside the schema (an unknown reason), then it is refused before any call', async () => {
    const updateOne = jest.spyOn(models.suppressions, 'updateOne');
    await expect(
      opsFor().updateOne(
        'suppressions',
        { email: 'someone@example.com' },
        { $setOnInsert: { reason: 'whatever', source: 'admin', createdAt: new Date() } },
        { upsert: true },
      ),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    expect(updateOne).not.toHaveBeenCalled();
  });
});
