import type { RequestHandler } from 'express';
import type { Logger } from 'winston';
import type { Clock } from '../../platform/clock';
import type { Config } from '../../platform/config/config';
import type { Metrics } from '../../platform/metrics';
import { ipRuleGuard } from './ip-rule-guard';
import type { IpRuleRepository } from './ip-rules.ports';
import { IpRuleService } from './ip-rules.service';

export interface IpRulesModule {
  /** The rules held in memory (the admin module manages them through it). */
  service: IpRuleService;
  /** The first real work of every request: refuses denied or unlisted addresses with 403. */
  guard: RequestHandler;
  close(): void;
}

/**
 * The IP rules, loaded before the first request is served (a denied address is refused from
 * the start), then reloaded periodically.
 */
export async function createIpRulesModule(deps: {
  config: Config['ipRules'];
  repo: IpRuleRepository;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}): Promise<IpRulesModule> {
  const { config, logger, metrics } = deps;
  const service = new IpRuleService({
    repo: deps.repo,
    clock: deps.clock,
    logger,
    config: { ...config, refreshMs: config.refreshSeconds * 1000 },
  });
  await service.reload();
  service.start();
  return {
    service,
    guard: ipRuleGuard({ rules: service, logger, metrics }),
    close: () => service.stop(),
  };
}
