import { normalizeEmail } from './email-address';

/** Each address of OTP_TEST_ACCOUNTS (in its canonical form) with its fixed code. */
export type TestAccounts = ReadonlyMap<string, string>;

/**
 * Parses OTP_TEST_ACCOUNTS entries (`alice@example.test:424242`): an address the service
 * accepts, a colon, and a code of exactly `codeLength` digits. A problem names the entry by its
 * position, never by its address, so a boot error does not print one in full.
 */
export function parseTestAccounts(
  entries: readonly string[],
  codeLength: number,
): { accounts: TestAccounts; problems: string[] } {
  const accounts = new Map<string, string>();
  const problems: string[] = [];
  entries.forEach((entry, i) => {
    const name = `OTP_TEST_ACCOUNTS entry ${i + 1}`;
    const colon = entry.lastIndexOf(':');
    const email = colon > 0 ? normalizeEmail(entry.slice(0, colon).trim()) : undefined;
    const code = colon > 0 ? entry.slice(colon + 1).trim() : '';
    if (colon <= 0) problems.push(`${name} is not email:code (an address, a colon and ${codeLength} digits)`);
    else if (!email) problems.push(`${name}: the address is not one the service accepts`);
    else if (!new RegExp(`^\\d{${codeLength}}$`).test(code))
      problems.push(`${name}: the code must be exactly ${codeLength} digits (OTP_LENGTH)`);
    else if (accounts.has(email)) problems.push(`${name}: the address is listed twice`);
    else accounts.set(email, code);
  });
  return { accounts, problems };
}
