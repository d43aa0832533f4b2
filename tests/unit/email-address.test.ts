import { emailDomain, maskEmail, normalizeEmail } from '../../src/platform/email-address';

/** An address of exactly `total` characters: a 60-character local part and a long domain. */
function addressOfLength(total: number): string {
  const local = 'a'.repeat(60);
  const labels: string[] = [];
  let remaining = total - local.length - 1 - '.com'.length;
  while (remaining > 0) {
    const size = Math.min(63, remaining);
    labels.push('b'.repeat(size));
    remaining -= size + 1;
  }
  const email = `${local}@${labels.join('.')}.com`;
  if (email.length !== total) throw new Error(`built ${email.length}, wanted ${total}`);
  return email;
}

describe('normalizeEmail', () => {
  it.each([
    ['Jo.Doe@Example.COM', 'jo.doe@example.com'],
    ['a+tag@example.com', 'a+tag@example.com'],
    ["o'brien@example.ie", "o'brien@example.ie"],
    ['x@sub.domain.example.co.uk', 'x@sub.domain.example.co.uk'],
  ])('when given %s, then the canonical form is %s', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it.each([
    ['user@bücher.de', 'user@xn--bcher-kva.de'],
    ['user@BÜCHER.DE', 'user@xn--bcher-kva.de'],
    ['user@xn--bcher-kva.de', 'user@xn--bcher-kva.de'],
    ['user@пример.рф', 'user@xn--e1afmkfd.xn--p1ai'],
  ])('when the domain is internationalised (%s), then it becomes punycode (%s)', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it.each([
    ['dotless i', 'mıke@example.com'],
    ['fullwidth m', 'ｍike@example.com'],
    ['Cyrillic a', 'аdmin@example.com'],
    ['Greek omicron', 'bοb@example.com'],
    ['accented letter', 'josé@example.com'],
    ['zero-width space', 'mi\u200bke@example.com'],
  ])('when the local part holds a homoglyph (%s), then it is rejected', (_name, input) => {
    expect(normalizeEmail(input)).toBeUndefined();
  });

  it('when the domain holds a homoglyph, then it stays a distinct punycode domain, never folded onto the real one', () => {
    const lookalike = normalizeEmail('mike@exаmple.com'); // Cyrillic а
    expect(lookalike).toMatch(/^mike@xn--/);
    expect(lookalike).not.toBe('mike@example.com');
  });

  it('when the local part is 63 characters, then it is accepted; at 64 it is refused', () => {
    expect(normalizeEmail(`${'a'.repeat(63)}@example.com`)).toBe(`${'a'.repeat(63)}@example.com`);
    expect(normalizeEmail(`${'a'.repeat(64)}@example.com`)).toBeUndefined();
  });

  it('when the whole address is 254 characters, then it is accepted; at 255 it is refused', () => {
    expect(normalizeEmail(addressOfLength(254))).toHaveLength(254);
    expect(normalizeEmail(addressOfLength(255))).toBeUndefined();
  });

  it('when a domain label is longer than 63 characters, then it is refused', () => {
    expect(normalizeEmail(`a@${'b'.repeat(64)}.com`)).toBeUndefined();
  });

  it.each([
    ['CR LF after the address', 'a@example.com\r\nBcc: victim@example.com'],
    ['CR LF in the local part', 'a\r\n@example.com'],
    ['LF in the domain', 'a@exam\nple.com'],
    ['NUL at the end', 'a@example.com\u0000'],
    ['NUL in the domain', 'a@exa\u0000mple.com'],
    ['NUL in the local part', 'a\u0000b@example.com'],
    ['tab in the domain', 'a@exam\tple.com'],
    ['DEL in the domain', 'a@exam\u007fple.com'],
    ['leading space', ' a@example.com'],
    ['trailing space', 'a@example.com '],
  ])('when the input holds control characters or spaces (%s), then it is refused', (_name, input) => {
    expect(normalizeEmail(input)).toBeUndefined();
  });

  it.each([
    '',
    'plainaddress',
    '@example.com',
    'a@',
    'a@b@example.com',
    'a..b@example.com',
    '.a@example.com',
    'a.@example.com',
    '"a b"@example.com',
    'a@localhost',
    'a@example',
    'a@example.c',
    'a@example.123',
    'a@example..com',
    'a@example.com.',
    'a@-example.com',
    'a@example-.com',
    'a@exa_mple.com',
  ])('when the address is malformed (%j), then it is refused', (input) => {
    expect(normalizeEmail(input)).toBeUndefined();
  });
});

describe('maskEmail', () => {
  it.each([
    ['john@example.com', 'jo***@example.com'],
    ['abc@x.io', 'ab***@x.io'],
    ['ab@x.io', 'a***@x.io'],
    ['j@example.com', 'j***@example.com'],
    ['not-an-email', '***'],
  ])('when masking %s, then the log shows %s', (input, expected) => {
    expect(maskEmail(input)).toBe(expected);
  });

  it('when masking, then never more than two characters of the local part remain', () => {
    const masked = maskEmail('secretperson@example.com');
    expect(masked).toBe('se***@example.com');
    expect(masked).not.toContain('secret');
  });
});

describe('emailDomain', () => {
  it('when given a normalised address, then it returns the part after the last @', () => {
    expect(emailDomain('a@xn--bcher-kva.de')).toBe('xn--bcher-kva.de');
  });
});
