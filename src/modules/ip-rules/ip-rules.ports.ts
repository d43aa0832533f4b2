/** The IP-rules module's ports. */

/** An admin-managed IP rule; `cidr` is canonical (`203.0.113.0/24`, `198.51.100.7/32`, `2001:db8::/32`). */
export interface IpRule {
  id: string;
  cidr: string;
  action: 'allow' | 'deny';
  note: string | null;
  createdAt: Date;
}

export interface IpRuleRepository {
  /** Every rule, oldest first: the whole set is held in memory by each instance. */
  list(): Promise<IpRule[]>;
  /** Adds the rule; the same cidr and action already stored is returned as it is, with created false. */
  create(rule: Omit<IpRule, 'id'>): Promise<{ rule: IpRule; created: boolean }>;
  delete(id: string): Promise<boolean>;
}
