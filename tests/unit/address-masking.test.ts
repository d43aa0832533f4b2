import { Writable } from 'node:stream';
import { maskedReason } from '../../src/modules/email/transports/mail-error';
import { maskEmailsIn } from '../../src/platform/email-address';
import { createLogger } from '../../src/platform/logger';

/**
 * Every address RFC 5321 allows is masked wherever it sits in a longer string: in a log line
 * (any field) and in a provider's error text. `hidden` is what must never be printed.
 */
const ADDRESSES: Array<[string, string, string]> = [
  // [address, the part of it that must not appear, the domain that stays]
  ['first{last}@example.com', 'rst{last}', 'example.com'],
  ["o'brien@example.com", 'brien', 'example.com'],
  ['a!b#c$d%e&f@example.com', '!b#c$d%e&f', 'example.com'],
  ['x*y+z/w=v?u^t_s`r@example.com', 'y+z/w=v?u^t_s`r', 'example.com'],
  ['pipe|tilde~brace}@example.com', 'pe|tilde~brace}', 'example.com'],
  ['dot.ted.name@example.com', 't.ted.name', 'example.com'],
  ['hy-phen@example.com', '-phen', 'example.com'],
  ['"john doe"@example.com', 'ohn doe', 'example.com'],
  ['"quoted\\"inner"@example.com', 'uoted\\"inner', 'example.com'],
  ['"at@inside"@example.com', 't@inside', 'example.com'],
  ['user@[192.0.2.1]', 'er@', '[192.0.2.1]'],
  ['someone@[IPv6:2001:db8::1]', 'meone@', '[IPv6:2001:db8::1]'],
  ['postmaster@localhost', 'stmaster', 'localhost'],
  ['mıke@exämple.de', 'ke@', 'exämple.de'],
  ['UPPER.Case@Example.COM', 'PER.Case', 'Example.COM'],
];
const SURROUNDINGS = [
  (a: string) => a,
  (a: string) => `550 5.1.1 <${a}>: Recipient address rejected`,
  (a: string) => `send to ${a} failed (timeout)`,
  (a: string) => `to=${a}, attempt 3`,
  (a: string) => `"${a}"`,
  (a: string) => `(${a})`,
  (a: string) => `${a}.`,
];

describe.each(ADDRESSES)('the address %s', (address, hidden, domain) => {
  it.each(SURROUNDINGS.map((wrap) => [wrap(address)]))(
    'when it appears in "%s", then it is masked',
    (text) => {
      const masked = maskEmailsIn(text);

      expect(masked).not.toContain(hidden);
      expect(masked).toContain(`***@${domain}`);
    },
  );

  it('when a provider error text carries it, then the reason keeps the reply but not the address', () => {
    const reason = maskedReason('EENVELOPE', `550 5.1.1 <${address}>: Recipient address rejected`);

    expect(reason).toMatch(/^EENVELOPE: 550 5\.1\.1 <address>: Recipient address rejected$/);
    expect(reason).not.toContain(hidden);
  });

  it('when it is logged in the message or a field, then neither shows it', () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(chunk.toString());
        cb();
      },
    });
    const logger = createLogger({ level: 'debug', stream });

    logger.warn(`delivery to ${address} failed`, { error: `rejected ${address}`, nested: { to: [address] } });

    const line = JSON.parse(chunks.join('')) as Record<string, unknown>;
    const text = JSON.stringify(line);
    expect(text).not.toContain(JSON.stringify(hidden).slice(1, -1));
    expect(line.message).toContain(`***@${domain}`);
  });
});

describe('text without an address', () => {
  it.each(['no address here', 'a@', '@example.com', 'price: 5 @ 3 each', 'a @ b'])(
    'when "%s" has nothing to mask, then it is left as it is',
    (text) => {
      expect(maskEmailsIn(text)).toBe(text);
    },
  );

  it('when a long run of address characters has no @, then masking stays fast (bounded local part)', () => {
    const text = `${'a'.repeat(200_000)}@`;
    const started = performance.now();

    maskEmailsIn(text);

    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
