import { BlockList } from 'node:net';
import { canonicalIp, type IpNetwork } from '../../platform/ip-network';

export { canonicalIp, parseIpNetwork, type IpFamily, type IpNetwork } from '../../platform/ip-network';

/** A set of networks answering "is this address inside one of them?" from memory (net.BlockList). */
export class IpSet {
  private readonly list = new BlockList();
  readonly size: number;

  constructor(networks: Iterable<IpNetwork>) {
    let size = 0;
    for (const n of networks) {
      this.list.addSubnet(n.address, n.prefix, n.family);
      size++;
    }
    this.size = size;
  }

  has(ip: string | undefined): boolean {
    if (this.size === 0) return false;
    const canonical = canonicalIp(ip);
    return canonical !== undefined && this.list.check(canonical.address, canonical.family);
  }
}

export type IpVerdict = 'allowed' | 'denied' | 'not_allowlisted';

/** A compiled rule set: deny wins; a non-empty allow set admits only its members. */
export class IpPolicy {
  private readonly deny: IpSet;
  private readonly allow: IpSet;

  constructor(rules: Iterable<{ network: IpNetwork; action: 'allow' | 'deny' }>) {
    const deny: IpNetwork[] = [];
    const allow: IpNetwork[] = [];
    for (const r of rules) (r.action === 'deny' ? deny : allow).push(r.network);
    this.deny = new IpSet(deny);
    this.allow = new IpSet(allow);
  }

  get allowlistActive(): boolean {
    return this.allow.size > 0;
  }

  /** No rule at all: every address is allowed, without looking at it. */
  get empty(): boolean {
    return this.deny.size === 0 && this.allow.size === 0;
  }

  check(ip: string | undefined): IpVerdict {
    if (this.deny.has(ip)) return 'denied';
    if (this.allow.size > 0 && !this.allow.has(ip)) return 'not_allowlisted';
    return 'allowed';
  }
}
