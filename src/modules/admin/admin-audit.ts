import { randomUUID } from 'node:crypto';
import type { Logger } from 'winston';
import type { Clock } from '../../platform/clock';
import { encodeCursor } from '../../platform/cursor';
import { AppError } from '../../platform/errors/app-error';
import { idPosition } from './admin-cursors';
import type { AdminAuditEntry, AdminAuditOutcome, AdminAuditRepository } from './admin.ports';

/** Who an audit entry names: the key's id (null when no key matched) and the request id. */
export interface AuditActor {
  keyId: string | null;
  requestId: string | null;
}

export interface AuditRecord {
  action: string;
  outcome: AdminAuditOutcome;
  target?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditPage {
  data: AdminAuditEntry[];
  nextCursor: string | null;
}

/**
 * The admin audit log in the database, beside the `admin.*` log lines (which stay as they are).
 * An entry is written once the action's outcome is known, before the answer is sent. The actions
 * go through other modules' services, each committing on its own, so the entry cannot share
 * their transaction: a failed write is logged (`admin.audit.write_failed`, level error, with the
 * action, key id and request id) and the action's answer stands, since the action did happen.
 */
export class AdminAuditLog {
  constructor(private readonly deps: { repo: AdminAuditRepository; clock: Clock; logger: Logger }) {}

  /** Never throws: a store failure is logged, not turned into a failed admin action. */
  async record(actor: AuditActor, entry: AuditRecord): Promise<void> {
    try {
      await this.deps.repo.record({
        id: randomUUID(),
        at: this.deps.clock.now(),
        keyId: actor.keyId,
        action: entry.action,
        target: entry.target ?? null,
        requestId: actor.requestId,
        outcome: entry.outcome,
        details: entry.details ?? {},
      });
    } catch (err) {
      this.deps.logger.error('admin audit entry not written', {
        event: 'admin.audit.write_failed',
        action: entry.action,
        outcome: entry.outcome,
        keyId: actor.keyId,
        requestId: actor.requestId,
        error: String(err),
      });
    }
  }

  /**
   * Runs a mutating action and writes its entry once the outcome is known: the one `run`
   * returns, or `failed` with the error's code when it throws (the error is then rethrown).
   */
  async around<T>(
    actor: AuditActor,
    action: string,
    target: string | null,
    run: () => Promise<{ result: T } & Omit<AuditRecord, 'action'>>,
    failureDetails: Record<string, unknown> = {},
  ): Promise<T> {
    const who = { keyId: actor.keyId, requestId: actor.requestId };
    let done: { result: T } & Omit<AuditRecord, 'action'>;
    try {
      done = await run();
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'internal_error';
      await this.record(who, { action, target, outcome: 'failed', details: { ...failureDetails, code } });
      throw err;
    }
    const { result, ...entry } = done;
    await this.record(who, { action, target, ...entry });
    return result;
  }

  /** Newest first, `limit` per page, only `action` when given. */
  async list(query: { limit: number; cursor?: string; action?: string }): Promise<AuditPage> {
    const position = query.cursor ? idPosition(query.cursor) : undefined;
    const before = position && { at: position.createdAt, id: position.key };
    const rows = await this.deps.repo.list({ limit: query.limit + 1, before, action: query.action });
    const data = rows.slice(0, query.limit);
    const last = data[data.length - 1];
    return { data, nextCursor: rows.length > query.limit ? encodeCursor(last.at, last.id) : null };
  }

  /** Deletes the entries older than `cutoff` (ADMIN_AUDIT_RETENTION_DAYS before now). */
  sweep(cutoff: Date): Promise<number> {
    return this.deps.repo.deleteBefore(cutoff);
  }
}
