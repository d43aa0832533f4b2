import { withTimeout } from '../../src/platform/timeout';

const never = () => new Promise<never>(() => undefined);

describe('withTimeout', () => {
  it('when the promise settles first, then its value or its rejection comes through', async () => {
    await expect(withTimeout(Promise.resolve('ok'), 1_000, () => 'late')).resolves.toBe('ok');
    await expect(withTimeout(Promise.reject(new Error('no')), 1_000, () => 'late')).rejects.toThrow('no');
  });

  it('when the time runs out, then the fallback is returned, or what onTimeout throws is the rejection', async () => {
    await expect(withTimeout(never(), 5, () => undefined)).resolves.toBeUndefined();
    await expect(
      withTimeout(never(), 5, () => {
        throw new Error('too slow');
      }),
    ).rejects.toThrow('too slow');
  });
});
