/**
 * Keyset-pagination cursors, one format for every list: base64url of the JSON array
 * [createdAt as ISO 8601, the row's tie-breaking key]. Clients treat them as opaque and pass
 * back the `nextCursor` of the previous page (docs/admin.md, "Pagination").
 */
export interface CursorPosition {
  createdAt: Date;
  key: string;
}

export function encodeCursor(createdAt: Date, key: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), key])).toString('base64url');
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The position a cursor names, or undefined when it is not a cursor this API returned (also
 * when `isKey` refuses its key). Session lists handed out `{c, i}` objects before the formats
 * were made one; those are still read, so a client paging across a deploy gets its next page.
 */
export function decodeCursor(
  raw: string,
  isKey: (key: string) => boolean = () => true,
): CursorPosition | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const [at, key] = Array.isArray(parsed) ? parsed : isRecord(parsed) ? [parsed.c, parsed.i] : [];
  const createdAt = new Date(String(at));
  if (typeof key !== 'string' || !isKey(key) || Number.isNaN(createdAt.getTime())) return undefined;
  return { createdAt, key };
}
