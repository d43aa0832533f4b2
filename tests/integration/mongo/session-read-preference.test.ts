import { createMongoSessionRepository } from '../../../src/modules/auth/repositories/mongo/session.repository';
import { createRecordingOps } from './recording-ops';

/**
 * With MONGODB_READ_PREFERENCE other than primary, the per-request session check may read a
 * secondary, but a read that fills the Redis session cache must not: a lagging secondary could
 * still show a session revoked a moment ago, and the cached copy would outlive the revocation.
 * Offline, the repository's reads are recorded (a real replica set is the contract suite's).
 */
describe('MongoDB session reads and the read preference', () => {
  it('when a session is read for a check, then the configured read preference may serve it', async () => {
    const { ops, calls } = createRecordingOps();

    await createMongoSessionRepository(ops).findById('session-1');

    expect(calls).toEqual([
      expect.objectContaining({ collection: 'sessions', operation: 'findOne', secondaryOk: true }),
    ]);
  });

  it('when a session is read to fill the cache (primary), then the read goes to the primary', async () => {
    const { ops, calls } = createRecordingOps();

    await createMongoSessionRepository(ops).findById('session-1', { primary: true });

    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      collection: 'sessions',
      operation: 'findOne',
      filter: { sessionId: 'session-1' },
    });
    expect(calls[0].secondaryOk).toBeUndefined();
  });

  it('when any other session read is made (locks, lists, counts), then none may go to a secondary', async () => {
    const { ops, calls } = createRecordingOps();
    const sessions = createMongoSessionRepository(ops);
    const now = new Date('2030-01-01T00:00:00Z');

    await sessions.lockById('session-1');
    await sessions.listActiveForUser('user-1', now, { limit: 10 });
    await sessions.count({ activeAt: now });

    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.secondaryOk)).toEqual([]);
  });
});
