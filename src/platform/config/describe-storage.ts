import { join, resolve } from 'node:path';
import type { StorageConfig } from './config.derived';

/** The database a process works on, for its first lines: the URL without password, or the PGlite folder. */
export function describeStorage(storage: StorageConfig): string {
  if (storage.kind === 'pglite') return `embedded PGlite in ${resolve(join(storage.dataDir, 'pglite'))}`;
  const name = storage.kind === 'postgres' ? 'PostgreSQL' : 'MongoDB';
  return `${name} ${withoutPassword(storage.url)}`;
}

export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}
