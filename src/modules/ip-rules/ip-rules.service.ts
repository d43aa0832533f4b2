import type { Logger } from 'winston';
import { AppError } from '../../platform/errors/app-error';
import type { Clock } from '../../platform/clock';
import type { IpRule, IpRuleRepository } from './ip-rules.ports';
import { IpPolicy, parseIpNetwork, type IpNetwork, type IpVerdict } from './ip-match';

/** More rules than this belong in a firewall, not in every request's memory. */
export const MAX_IP_RULES = 1000;

export interface IpRuleInput {
  cidr: string;
  action: 'allow' | 'deny';
  note?: string;
}

type CompiledRule = { network: IpNetwork; action: 'allow' | 'deny' };

const invalid = (field: string, message: string) =>
  new AppError('invalid_request', { fields: [{ field, message }] });

/**
 * The IP allow/deny list: static rules from config (IP_DENYLIST, IP_ALLOWLIST) plus the
 * admin-managed rules of the database. Each request is checked against an in-memory copy
 * (no query per request); the copy is reloaded when a rule changes through this instance and
 * every `refreshMs`, so instances converge within one period.
 */
export class IpRuleService {
  private policy: IpPolicy;
  private stored: CompiledRule[] = [];
  private readonly fixed: CompiledRule[];
  private timer?: NodeJS.Timeout;
  private generation = 0;

  constructor(
    private readonly deps: {
      repo: IpRuleRepository;
      clock: Clock;
      logger: Logger;
      config: { deny: string[]; allow: string[]; refreshMs: number };
    },
  ) {
    const compile = (cidrs: string[], action: 'allow' | 'deny') =>
      cidrs.map((cidr) => {
        const network = parseIpNetwork(cidr);
        if (!network) throw new Error(`not an IP address or CIDR: ${cidr}`);
        return { network, action };
      });
    this.fixed = [...compile(deps.config.deny, 'deny'), ...compile(deps.config.allow, 'allow')];
    this.policy = new IpPolicy(this.fixed);
  }

  /** The verdict for a client address, from memory only: a refused client costs no query. */
  check(ip: string | undefined): IpVerdict {
    return this.policy.check(ip);
  }

  /** True while no rule is configured or stored: the guard then need not resolve the address. */
  get empty(): boolean {
    return this.policy.empty;
  }

  /** Re-reads the stored rules. A failed read keeps the last good set (logged), never an empty one. */
  async reload(): Promise<void> {
    const generation = ++this.generation;
    const rules = await this.deps.repo.list();
    // A slower, older reload must not overwrite the result of a newer one.
    if (generation !== this.generation) return;
    this.stored = rules.flatMap((r) => {
      const network = parseIpNetwork(r.cidr);
      return network ? [{ network, action: r.action }] : [];
    });
    this.policy = new IpPolicy([...this.fixed, ...this.stored]);
  }

  /** Starts the periodic reload (unref'd: it never keeps the process alive). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.reload().catch((err: unknown) =>
        this.deps.logger.warn('IP rules reload failed; keeping the last set', {
          event: 'ip_rules.reload_failed',
          error: String(err),
        }),
      );
    }, this.deps.config.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  list(): Promise<IpRule[]> {
    return this.deps.repo.list();
  }

  /** The rules that come from configuration (read-only through the API). */
  staticRules(): { deny: string[]; allow: string[] } {
    const of = (action: 'allow' | 'deny') =>
      this.fixed.filter((r) => r.action === action).map((r) => r.network.cidr);
    return { deny: of('deny'), allow: of('allow') };
  }

  /**
   * Adds a rule and applies it on this instance at once. Refused when it would shut out
   * `callerIp` itself: an admin who denies their own network (or starts an allowlist without
   * it) could no longer reach the API to undo it.
   */
  async create(
    input: IpRuleInput,
    callerIp: string | undefined,
  ): Promise<{ rule: IpRule; created: boolean }> {
    const network = parseIpNetwork(input.cidr);
    if (!network) throw invalid('cidr', 'must be an IP address or CIDR such as 203.0.113.0/24');
    const candidate: CompiledRule = { network, action: input.action };
    const next = new IpPolicy([...this.fixed, ...this.stored, candidate]);
    if (this.policy.check(callerIp) === 'allowed' && next.check(callerIp) !== 'allowed') {
      throw new AppError('invalid_request', {
        detail: 'this rule would refuse the address this request comes from',
      });
    }
    if (this.stored.length >= MAX_IP_RULES) {
      throw new AppError('invalid_request', {
        detail: `at most ${MAX_IP_RULES} IP rules; use a wider CIDR or a firewall`,
      });
    }
    const result = await this.deps.repo.create({
      cidr: candidate.network.cidr,
      action: input.action,
      note: input.note ?? null,
      createdAt: this.deps.clock.now(),
    });
    await this.reload();
    return result;
  }

  /** Removes a rule and applies the change on this instance at once; false when unknown. */
  async delete(id: string): Promise<boolean> {
    const deleted = await this.deps.repo.delete(id);
    if (deleted) await this.reload();
    return deleted;
  }
}
