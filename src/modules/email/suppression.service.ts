import type { Logger } from 'winston';
import { AppError } from '../../platform/errors/app-error';
import type { Metrics } from '../../platform/metrics';
import type { Clock } from '../../platform/clock';
import { decodeCursor, encodeCursor } from '../../platform/cursor';
import { normalizeEmail } from '../../platform/email-address';
import type { Suppression, SuppressionReason, SuppressionRepository } from './email.ports';

export interface SuppressionPage {
  data: Suppression[];
  nextCursor: string | null;
}

const invalid = (field: string, message: string) =>
  new AppError('invalid_request', { fields: [{ field, message }] });

function canonical(email: string): string {
  const normalized = normalizeEmail(email);
  if (!normalized) throw invalid('email', 'must be a valid email address');
  return normalized;
}

function suppressionPosition(cursor: string): { createdAt: Date; email: string } {
  const position = decodeCursor(cursor);
  if (!position) throw invalid('cursor', 'is not a cursor this API returned');
  return { createdAt: position.createdAt, email: position.key };
}

/**
 * The suppression list: addresses that bounced, were dropped or complained (added by the
 * webhooks) or that an admin added. The admin API lists, adds and removes through this; the
 * login module's store reads the same list while admitting a code request.
 */
export class SuppressionService {
  constructor(
    private readonly deps: {
      repo: SuppressionRepository;
      clock: Clock;
      logger: Logger;
      metrics: Metrics;
      emailHash: (email: string) => string;
    },
  ) {}

  /** Newest first; pass the returned `nextCursor` to get the next page. */
  async list(cursor: string | undefined, limit = 20): Promise<SuppressionPage> {
    const size = Math.min(100, Math.max(1, Math.floor(limit)));
    const before = cursor ? suppressionPosition(cursor) : undefined;
    const rows = await this.deps.repo.list({ limit: size + 1, before });
    const data = rows.slice(0, size);
    return {
      data,
      nextCursor: rows.length > size ? encodeCursor(data[size - 1].createdAt, data[size - 1].email) : null,
    };
  }

  async find(email: string): Promise<Suppression | undefined> {
    return this.deps.repo.find(canonical(email));
  }

  /** Adds an address (reason `manual` by default); an existing entry is returned unchanged. */
  async add(
    email: string,
    options: { reason?: SuppressionReason; source?: string; requestId?: string } = {},
  ): Promise<{ suppression: Suppression; created: boolean }> {
    const address = canonical(email);
    const created = await this.deps.repo.add({
      email: address,
      reason: options.reason ?? 'manual',
      source: options.source ?? 'admin',
      createdAt: this.deps.clock.now(),
    });
    const suppression = (await this.deps.repo.find(address)) as Suppression;
    this.deps.logger.info('address suppressed', {
      event: 'email.suppression.added',
      requestId: options.requestId,
      emailHash: this.deps.emailHash(address),
      reason: suppression.reason,
      source: suppression.source,
      created,
    });
    return { suppression, created };
  }

  /** Lets the address receive email again; false if it was not suppressed. */
  async remove(email: string, ctx: { requestId?: string } = {}): Promise<boolean> {
    const address = canonical(email);
    const removed = await this.deps.repo.remove(address);
    this.deps.logger.info('address unsuppressed', {
      event: 'email.suppression.removed',
      requestId: ctx.requestId,
      emailHash: this.deps.emailHash(address),
      removed,
    });
    return removed;
  }

  async isSuppressed(email: string): Promise<boolean> {
    const address = normalizeEmail(email);
    return address !== undefined && (await this.deps.repo.find(address)) !== undefined;
  }
}
