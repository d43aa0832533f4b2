import { CodeHasher, generateCode } from '../../src/modules/auth/otp-code';
import { safeEqual } from '../../src/platform/secrets';

const SECRET = 'current-secret-0123456789abcdef0123456789';
const OLD_SECRET = 'previous-secret-0123456789abcdef012345678';
const ID = '6f1c2a9e-3b1d-4c55-9a0e-1f2e3d4c5b6a';
const EMAIL = 'person@example.com';

describe('generateCode', () => {
  const SAMPLES = 2_000;
  const codes = Array.from({ length: SAMPLES }, () => generateCode(6));

  it('when generating 2,000 codes, then every one is exactly six digits', () => {
    expect(codes.filter((c) => !/^\d{6}$/.test(c))).toEqual([]);
  });

  it('when generating, then leading zeros are kept (about 10% of codes start with 0)', () => {
    const share = codes.filter((c) => c.startsWith('0')).length / SAMPLES;
    expect(share).toBeGreaterThanOrEqual(0.07);
    expect(share).toBeLessThanOrEqual(0.13);
  });

  it('when generating, then every position is uniform over 0-9 (chi-square, 9 degrees of freedom)', () => {
    // 40 is far beyond the 0.01% critical value (33.7): this catches a biased generator, not noise.
    const THRESHOLD = 40;
    const expected = SAMPLES / 10;
    const biased = [0, 1, 2, 3, 4, 5]
      .map((position) => {
        const counts = new Array<number>(10).fill(0);
        for (const code of codes) counts[Number(code[position])]++;
        const chiSquare = counts.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
        return { position, chiSquare, counts };
      })
      .filter((p) => p.chiSquare >= THRESHOLD);
    expect(biased).toEqual([]);
  });

  it.each([6, 8, 10])('when the length is %i, then the code has that many digits', (length) => {
    for (let i = 0; i < 50; i++) expect(generateCode(length)).toMatch(new RegExp(`^\\d{${length}}$`));
  });

  it('when generating many codes, then they are not repeated in sequence (not a constant)', () => {
    expect(new Set(codes).size).toBeGreaterThan(SAMPLES * 0.99);
  });
});

describe('CodeHasher', () => {
  const hasher = new CodeHasher(SECRET);

  it('when hashing, then the stored value is a hex digest that never contains the code', () => {
    const hash = hasher.hash(ID, EMAIL, '123456');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('123456');
    expect(hasher.hash(ID, EMAIL, '123456')).toBe(hash);
  });

  it('when the same record, email and code are given, then it matches', () => {
    expect(hasher.matches(hasher.hash(ID, EMAIL, '123456'), ID, EMAIL, '123456')).toBe(true);
  });

  it.each([
    ['another code', ID, EMAIL, '123457'],
    ['another record', '00000000-0000-4000-8000-000000000000', EMAIL, '123456'],
    ['another email', ID, 'someone@example.com', '123456'],
  ])('when %s is given, then it does not match', (_case, id, email, code) => {
    expect(hasher.matches(hasher.hash(ID, EMAIL, '123456'), id, email, code)).toBe(false);
  });

  it('when the hash was made under another secret, then it does not match', () => {
    const foreign = new CodeHasher(OLD_SECRET).hash(ID, EMAIL, '123456');
    expect(hasher.matches(foreign, ID, EMAIL, '123456')).toBe(false);
  });

  it('when the secret was rotated, then a code hashed under the previous secret still verifies', () => {
    const inFlight = new CodeHasher(OLD_SECRET).hash(ID, EMAIL, '123456');
    const rotated = new CodeHasher(SECRET, [OLD_SECRET]);
    expect(rotated.matches(inFlight, ID, EMAIL, '123456')).toBe(true);
    expect(rotated.matches(inFlight, ID, EMAIL, '654321')).toBe(false);
  });

  it('when the secret was rotated, then new codes are hashed with the current secret only', () => {
    const rotated = new CodeHasher(SECRET, [OLD_SECRET]);
    const fresh = rotated.hash(ID, EMAIL, '123456');
    expect(fresh).toBe(hasher.hash(ID, EMAIL, '123456'));
    expect(new CodeHasher(OLD_SECRET).matches(fresh, ID, EMAIL, '123456')).toBe(false);
  });

  it('when the stored hash is malformed or empty, then it does not match (and does not throw)', () => {
    expect(hasher.matches('', ID, EMAIL, '123456')).toBe(false);
    expect(hasher.matches('not-hex', ID, EMAIL, '123456')).toBe(false);
    expect(hasher.matches(hasher.hash(ID, EMAIL, '123456').slice(0, 62), ID, EMAIL, '123456')).toBe(false);
  });
});

describe('safeEqual (the constant-time compare)', () => {
  it('when both digests are equal, then it is true', () => {
    expect(safeEqual('00ff10', '00ff10')).toBe(true);
  });

  it('when the digests differ, then it is false', () => {
    expect(safeEqual('00ff10', '00ff11')).toBe(false);
  });

  it('when the lengths differ, then it is false rather than throwing', () => {
    expect(safeEqual('00ff', '00ff10')).toBe(false);
    expect(safeEqual('00ff10', '00ff')).toBe(false);
  });

  it('when both are empty, then it is false (an empty stored hash never matches)', () => {
    expect(safeEqual('', '')).toBe(false);
  });

  it('when bytes are given, then they are compared as bytes, whatever their lengths', () => {
    expect(safeEqual(Buffer.from('00ff10', 'hex'), Buffer.from([0, 255, 16]))).toBe(true);
    expect(safeEqual(Buffer.from('00ff', 'hex'), Buffer.from([0, 255, 16]))).toBe(false);
    expect(safeEqual(Buffer.alloc(0), Buffer.alloc(0))).toBe(false);
  });
});
