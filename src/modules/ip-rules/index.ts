/** The IP-rules module's public face: what other modules and the composition root may use. */
export type { IpRule } from './ip-rules.ports';
export type { IpRuleInput, IpRuleService } from './ip-rules.service';
export { parseIpNetwork } from './ip-match';
export { createIpRulesModule, type IpRulesModule } from './ip-rules.module';
