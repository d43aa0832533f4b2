import { createHash } from 'node:crypto';
import { BlockList } from 'node:net';
import { parseAdminKeyEntry, type AdminScope } from '../../platform/admin-key-entries';
import { canonicalIp, parseIpNetwork } from '../../platform/ip-network';

export interface AdminKey {
  digest: Buffer;
  /** First 8 hex characters of the key's SHA-256: names the key in logs without revealing it. */
  id: string;
  scopes: readonly AdminScope[];
  /** The networks the key may be used from; undefined: any address. */
  networks?: BlockList;
}

export const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Each ADMIN_API_KEYS entry (docs/admin.md): a key or `sha256:<hex>` of one, with its scopes and
 * networks. Config has already refused malformed entries, so one here is a programming error.
 */
export function parseAdminKeys(entries: string[]): AdminKey[] {
  return entries.map((raw, i) => {
    const parsed = parseAdminKeyEntry(raw);
    if ('problems' in parsed) throw new Error(`ADMIN_API_KEYS entry ${i + 1}: ${parsed.problems[0]}`);
    const { entry } = parsed;
    const digest = entry.digestHex ? Buffer.from(entry.digestHex, 'hex') : sha256(entry.key ?? '');
    let networks: BlockList | undefined;
    for (const cidr of entry.cidrs) {
      const network = parseIpNetwork(cidr);
      if (!network) continue;
      networks ??= new BlockList();
      networks.addSubnet(network.address, network.prefix, network.family);
    }
    return { digest, id: digest.toString('hex').slice(0, 8), scopes: entry.scopes, networks };
  });
}

/** Whether `key` may be used from `ip` (req.ip, which honours only TRUST_PROXY). */
export function keyAllowsAddress(key: AdminKey, ip: string | undefined): boolean {
  if (!key.networks) return true;
  const client = canonicalIp(ip);
  return client !== undefined && key.networks.check(client.address, client.family);
}

/** GET and HEAD read; every other method writes. */
export const scopeOf = (method: string): AdminScope =>
  method === 'GET' || method === 'HEAD' ? 'read' : 'write';
