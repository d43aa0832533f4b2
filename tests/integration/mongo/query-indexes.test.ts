/** Every query the MongoDB repositories make, recorded with no server, is served by a declared index and passes the sanitiser. */
import mongoose from 'mongoose';
import { createMongoRepositories } from '../../../src/store/mongo/mongo-repositories';
import { createMongoLoginRules } from '../../../src/modules/auth/repositories/mongo/login-rules';
import { indexesOf, models } from './declared-indexes';
import { branchesOf, fieldsOf, servingIndex } from './index-coverage';
import { createRecordingOps, type RecordedCall } from './recording-ops';
import { allRepositoryCalls, loginRuleCalls } from './repository-calls';

/** Every call the repositories make, with the repository method that made it. */
async function recordAllQueries(): Promise<Array<{ by: string; call: RecordedCall }>> {
  const out: Array<{ by: string; call: RecordedCall }> = [];
  for (const [repo, method, args] of allRepositoryCalls()) {
    const { ops, calls } = createRecordingOps();
    const repositories = createMongoRepositories(ops) as unknown as Record<
      string,
      Record<string, (...a: unknown[]) => Promise<unknown>>
    >;
    await repositories[repo][method](...args);
    for (const call of calls) out.push({ by: `${repo}.${method}`, call });
  }
  // The login rules run their repositories' MongoDB-only steps, and read the suppression list.
  for (const [rule, input] of Object.entries(loginRuleCalls)) {
    const { ops, calls } = createRecordingOps();
    const rules = createMongoLoginRules(ops) as unknown as Record<string, (i: unknown) => Promise<unknown>>;
    await rules[rule](input);
    for (const call of calls) out.push({ by: `rules.${rule}`, call });
  }
  return out;
}

describe('queries and indexes', () => {
  let recorded: Array<{ by: string; call: RecordedCall }>;
  beforeAll(async () => {
    recorded = await recordAllQueries();
  });

  it('when every repository method runs, then each makes at least one call and all were recorded', () => {
    const byMethod = new Set(recorded.map((r) => r.by));
    const expected = new Set([
      ...allRepositoryCalls().map(([repo, method]) => `${repo}.${method}`),
      ...Object.keys(loginRuleCalls).map((rule) => `rules.${rule}`),
    ]);
    // incrementAttempts([]) and listForMessages([]) make none by design; the samples pass ids.
    expect([...expected].filter((m) => !byMethod.has(m))).toEqual([]);
  });

  it('when the repositories build filters, then every filter (each $or branch) is served by a declared index', () => {
    const unserved: string[] = [];
    for (const { by, call } of recorded) {
      if (!call.filter) continue;
      for (const branch of branchesOf(call.filter)) {
        const index = servingIndex(indexesOf(call.collection), branch, { sort: call.sort, hint: call.hint });
        if (!index) {
          unserved.push(
            `${by}: ${call.operation} ${call.collection} ${JSON.stringify(branch)} sort ${JSON.stringify(call.sort)}`,
          );
        }
      }
    }
    expect(unserved).toEqual([]);
  });

  it('when a whole collection is read or counted, then it is in index order or by a hinted index, with a limit for pages', () => {
    const scans = recorded.filter(({ call }) => call.filter && Object.keys(call.filter).length === 0);
    expect(scans.map(({ by }) => by).sort()).toEqual(
      [
        'adminAudit.list',
        'ipRules.list',
        'sessions.count',
        'suppressions.list',
        'users.count',
        'users.list',
      ].sort(),
    );
    for (const { by, call } of scans) {
      expect({ by, ordered: Boolean(call.sort || call.hint) }).toEqual({ by, ordered: true });
    }
  });

  it('when filters, sorts and updates name fields, then each field exists in the collection schema', () => {
    const unknown: string[] = [];
    for (const { by, call } of recorded) {
      const schema = models[call.collection].schema;
      const fields = [
        ...(call.filter ? fieldsOf(call.filter) : []),
        ...Object.keys(call.sort ?? {}),
        ...Object.keys(call.doc ?? {}),
        ...Object.values(call.update ?? {}).flatMap((part) => Object.keys(part ?? {})),
      ];
      for (const field of fields) if (!schema.path(field)) unknown.push(`${by}: ${call.collection}.${field}`);
    }
    expect(unknown).toEqual([]);
  });

  it('when filters reach mongoose, then sanitizeFilter leaves each operator (all marked trusted) and each casts to its schema', () => {
    const problems: string[] = [];
    for (const { by, call } of recorded) {
      if (!call.filter) continue;
      const before = JSON.stringify(call.filter);
      // The real sanitiser, as mongoose runs it on every query: an operator the repository
      // forgot to mark would be wrapped in $eq here and match nothing at run time.
      mongoose.sanitizeFilter(call.filter);
      if (JSON.stringify(call.filter) !== before) problems.push(`${by}: untrusted operator in ${before}`);
      try {
        const model = models[call.collection];
        model.find().cast(model, call.filter);
      } catch (err) {
        problems.push(`${by}: ${(err as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('when a read is locked (lockById, lockByHash, lockNewest), then it writes lockVersion so concurrent transactions conflict', () => {
    const lockWrites = recorded
      .filter(({ call }) => call.update?.$inc && 'lockVersion' in call.update.$inc)
      .map(({ by }) => by);
    expect([...new Set(lockWrites.filter((by) => !by.startsWith('rules.')))].sort()).toEqual(
      ['otps.lockEmail', 'otps.lockNewest', 'refreshTokens.lockByHash', 'sessions.lockById'].sort(),
    );
    // Each rule that reads and then writes takes its lock first; the sign-in's claim is itself
    // the conditional write that racing sign-ins conflict on.
    expect([...new Set(lockWrites.filter((by) => by.startsWith('rules.')))].sort()).toEqual(
      ['rules.admitCodeRequest', 'rules.countVerifyAttempt', 'rules.rotateRefreshToken'].sort(),
    );
  });

  it('when the login rules run, then each makes the calls of its steps in order, the suppression list read on admission', () => {
    const steps = (rule: string) =>
      recorded
        .filter(({ by }) => by === `rules.${rule}`)
        .map(({ call }) => `${call.operation} ${call.collection}`);
    expect(steps('admitCodeRequest')).toEqual([
      'updateOne otpLocks',
      'findOne otps',
      'count otps',
      'count otps',
      // An account (the recorder always finds one): the domain's cap is not counted.
      'findOne users',
      'insertOne otps',
      'findOne suppressions',
    ]);
    expect(steps('countVerifyAttempt')).toEqual([
      'updateOne otpLocks',
      'count authFailures',
      'count authFailures',
      'find otps',
      'updateMany otps',
      'updateMany otps',
      'insertOne authFailures',
      // The address's budget after this guess (a spent one would claim the owner notice).
      'count authFailures',
    ]);
    expect(steps('signIn')).toEqual([
      'findOne users',
      'updateOne otps',
      'updateMany otps',
      'deleteMany authFailures',
      'findOneAndUpdate users',
      'insertOne sessions',
      'findOne sessions',
      'insertOne refreshTokens',
    ]);
    expect(steps('rotateRefreshToken')).toEqual([
      'findOneAndUpdate refreshTokens',
      'findOneAndUpdate sessions',
      'updateOne refreshTokens',
      'findOne sessions',
      'insertOne refreshTokens',
      'updateOne sessions',
      'findOne users',
    ]);
  });
});
