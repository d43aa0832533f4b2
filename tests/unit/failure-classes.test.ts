import mongoose from 'mongoose';
import { MailError } from '../../src/modules/email/transports/mail-error';
import { mailErrorForNetwork, mailErrorForStatus } from '../../src/modules/email/transports/provider-errors';
import { ConflictError, UnavailableError } from '../../src/platform/errors/app-error';
import { mapSqlError } from '../../src/platform/sql/sql-client';
import { mapMongoError } from '../../src/platform/mongo/mongo-errors';
import { dbErrorKind } from '../../src/store/db-error-kind';

/** The fixed sets `db_errors_total{kind}` and `email_provider_errors_total{class}` count by. */

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('dbErrorKind', () => {
  it.each([
    ['23505', 'conflict'],
    ['23503', 'conflict'],
    ['08006', 'connection'],
    ['57P01', 'connection'],
    ['57014', 'timeout'],
    ['40001', 'transaction'],
    ['40P01', 'transaction'],
    ['53300', 'resources'],
    ['42P01', 'schema'],
    ['22P02', 'other'],
  ])(
    'when PostgreSQL answers SQLSTATE %s (mapped as the client maps it), then the kind is %s',
    (code, kind) => {
      expect(dbErrorKind(mapSqlError(pgError(code)))).toBe(kind);
    },
  );

  it('when the socket is refused or the pool times out, then the kind is connection or timeout', () => {
    expect(dbErrorKind(mapSqlError(pgError('ECONNREFUSED')))).toBe('connection');
    expect(dbErrorKind(mapSqlError(new Error('timeout exceeded when trying to connect')))).toBe('timeout');
  });

  it('when MongoDB reports a duplicate key, a time limit or a lost server, then conflict, timeout, connection', () => {
    const { MongoServerError, MongoNetworkError } = mongoose.mongo;
    expect(dbErrorKind(mapMongoError(new MongoServerError({ code: 11000, message: 'dup' })))).toBe(
      'conflict',
    );
    expect(dbErrorKind(mapMongoError(new MongoServerError({ code: 50, message: 'slow' })))).toBe('timeout');
    expect(dbErrorKind(mapMongoError(new MongoNetworkError('gone')))).toBe('connection');
  });

  it('when an error carries no driver code, then the domain error decides, else other', () => {
    expect(dbErrorKind(new ConflictError('taken'))).toBe('conflict');
    expect(dbErrorKind(new UnavailableError('down'))).toBe('connection');
    expect(dbErrorKind(new Error('a bug'))).toBe('other');
    expect(dbErrorKind(undefined)).toBe('other');
  });
});

describe('mail error classes', () => {
  it.each([
    [429, 'throttled'],
    [408, 'timeout'],
    [401, 'auth'],
    [403, 'auth'],
    [500, 'server'],
    [503, 'server'],
    [400, 'rejected'],
    [422, 'rejected'],
  ])('when a provider answers %s, then the class is %s', (status, errorClass) => {
    const err = mailErrorForStatus('sendgrid', status);
    expect({ errorClass: err.errorClass, provider: err.provider }).toEqual({
      errorClass,
      provider: 'sendgrid',
    });
  });

  it('when no answer came, then a timeout is timeout and anything else network', () => {
    expect(mailErrorForNetwork('ses', 'ETIMEDOUT').errorClass).toBe('timeout');
    expect(mailErrorForNetwork('ses', 'ECONNRESET').errorClass).toBe('network');
    expect(mailErrorForNetwork('ses', undefined).errorClass).toBe('network');
  });

  it('when a MailError names no class, then a permanent one is rejected and a transient one other', () => {
    expect(new MailError('no', true).errorClass).toBe('rejected');
    expect(new MailError('later', false).errorClass).toBe('other');
  });
});
