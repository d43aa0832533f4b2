import { Writable } from 'node:stream';
import { createLogger } from '../../src/platform/logger';

const JWT =
  'eyJhbGciOiJFZERTQSIsImtpZCI6ImFiYyJ9.eyJzdWIiOiJ1c2VyLTEiLCJzaWQiOiJzZXNzaW9uLTEifQ.c2lnbmF0dXJlLWJ5dGVz';

/** A logger writing into memory: `text()` is everything written, `lines()` each line parsed. */
function capture(level = 'debug') {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const logger = createLogger({ level, stream });
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, text, lines };
}

describe('createLogger', () => {
  it('when a line is written, then it is one JSON object with level, message, timestamp and service', () => {
    const { logger, lines } = capture();
    logger.info('hello', { event: 'test.hello' });
    const [line] = lines();
    expect(line).toMatchObject({
      level: 'info',
      message: 'hello',
      event: 'test.hello',
      service: 'otp-login-api',
    });
    expect(new Date(line.timestamp as string).toISOString()).toBe(line.timestamp);
  });

  it('when an email appears in the message or any field, then it is masked', () => {
    const { logger, text, lines } = capture();
    logger.info('code sent to jane.doe@example.com', {
      to: 'jane.doe@example.com',
      nested: { list: ['x', 'reply to bob.smith@mail.example.org please'] },
    });
    const [line] = lines();
    expect(line.message).toBe('code sent to ja***@example.com');
    expect(line.to).toBe('ja***@example.com');
    expect(line.nested).toEqual({ list: ['x', 'reply to bo***@mail.example.org please'] });
    expect(text()).not.toContain('jane.doe');
    expect(text()).not.toContain('bob.smith');
  });

  it('when a JWT appears in the message or any field, then it is redacted', () => {
    const { logger, text, lines } = capture();
    logger.warn(`rejected ${JWT}`, { header: `Bearer ${JWT}`, deep: { value: JWT } });
    const [line] = lines();
    expect(line.message).toBe('rejected [redacted-jwt]');
    expect(line.header).toBe('Bearer [redacted-jwt]');
    expect(line.deep).toEqual({ value: '[redacted-jwt]' });
    expect(text()).not.toContain('eyJ');
  });

  it.each([
    'authorization',
    'Authorization',
    'password',
    'token',
    'refreshToken',
    'accessToken',
    'otp',
    'apiKey',
    'x-api-key',
    'cookie',
    'secret',
  ])('when a field is named %s, then its value is redacted at any depth', (key) => {
    const { logger, text, lines } = capture();
    logger.info('request', { [key]: 'very-sensitive-value', headers: { [key]: 'very-sensitive-value' } });
    const [line] = lines();
    expect(line[key]).toBe('[redacted]');
    expect(line.headers).toEqual({ [key]: '[redacted]' });
    expect(text()).not.toContain('very-sensitive-value');
  });

  it('when a field holds an object under a secret name, then the whole object is redacted', () => {
    const { logger, lines } = capture();
    logger.info('refresh', { refreshToken: { value: 'abc', parent: 'def' } });
    expect(lines()[0].refreshToken).toBe('[redacted]');
  });

  it('when a value carries CR/LF (log injection), then it stays one JSON line with the characters escaped', () => {
    const { logger, text, lines } = capture();
    const forged = 'x\r\n{"level":"info","message":"forged admin login"}\n';
    logger.info(`user agent ${forged}`, { userAgent: forged });
    expect(text().match(/\n/g)).toHaveLength(1);
    expect(text().endsWith('\n')).toBe(true);
    const parsed = lines();
    expect(parsed).toHaveLength(1);
    expect(parsed[0].userAgent).toBe(forged);
  });

  it('when the level is below the threshold, then nothing is written', () => {
    const { logger, text } = capture('warn');
    logger.info('quiet');
    logger.debug('quieter');
    expect(text()).toBe('');
  });

  it('when the caller passes an object, then the caller’s object is not changed by redaction', () => {
    const { logger } = capture();
    const meta = { headers: { authorization: `Bearer ${JWT}` }, to: 'jane@example.com' };
    logger.info('request', meta);
    expect(meta).toEqual({ headers: { authorization: `Bearer ${JWT}` }, to: 'jane@example.com' });
  });
});
