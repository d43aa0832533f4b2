import { decodeCursor, encodeCursor } from '../../src/platform/cursor';

const AT = new Date('2026-01-02T03:04:05.678Z');
const ID = '00000000-0000-4000-8000-000000000000';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('the pagination cursor', () => {
  it('when a cursor is encoded, then it decodes to the same position and uses only URL-safe characters', () => {
    const cursor = encodeCursor(AT, ID);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual({ createdAt: AT, key: ID });
  });

  it('when a session cursor of the former {c, i} format comes back, then it is still read', () => {
    expect(decodeCursor(b64({ c: AT.toISOString(), i: ID }))).toEqual({ createdAt: AT, key: ID });
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['a bad date', b64(['nope', ID])],
    ['a key that is not a string', b64([AT.toISOString(), 42])],
    ['no key', b64([AT.toISOString()])],
    ['null', b64(null)],
    ['a string', b64('1a')],
  ])('when it is %s, then it is not a cursor', (_label, raw) => {
    expect(decodeCursor(raw)).toBeUndefined();
  });

  it('when the caller refuses the key, then it is not a cursor', () => {
    expect(decodeCursor(encodeCursor(AT, 'x'), (key) => key === ID)).toBeUndefined();
  });
});
