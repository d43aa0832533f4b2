import type { Mailer } from '../email.ports';
import { mailErrorClass, MailError, type MailErrorClass } from './mail-error';

/** Told of every failed send: the transport that failed and the failure's class. */
export type ProviderErrorSink = (provider: string, errorClass: MailErrorClass) => void;

/**
 * Reports each failed send of `inner` to `sink` and rethrows it unchanged. Wrapped around each
 * provider (behind its circuit breaker), so a primary's failure the fallback covered is counted.
 */
export function countingErrors(inner: Mailer, sink: ProviderErrorSink): Mailer {
  return {
    name: inner.name,
    close: inner.close ? () => inner.close?.() ?? Promise.resolve() : undefined,
    async send(message) {
      try {
        return await inner.send(message);
      } catch (err) {
        sink(err instanceof MailError && err.provider ? err.provider : inner.name, mailErrorClass(err));
        throw err;
      }
    },
  };
}
