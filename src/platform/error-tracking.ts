import type * as SentryModule from '@sentry/node';
import { ADDRESS_IN_TEXT } from './email-address';

export type ErrorReporter = (err: unknown, context?: { requestId?: string }) => void;

/**
 * Sends unexpected errors (the ones answered with 500) to Sentry when SENTRY_DSN is set.
 * No request bodies, headers, cookies or user data are attached (sendDefaultPii off, no
 * default integrations that read requests), and emails are scrubbed from messages.
 */
export function createErrorReporter(options: { dsn?: string; environment: string; release?: string }): {
  report: ErrorReporter;
  flush: () => Promise<void>;
} {
  if (!options.dsn) return { report: () => undefined, flush: async () => undefined };
  // Loaded only when a DSN is set: the SDK costs ~30 MB of memory (docs/performance.md).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Sentry = require('@sentry/node') as typeof SentryModule;
  const client = new Sentry.NodeClient({
    dsn: options.dsn,
    environment: options.environment,
    release: options.release,
    sendDefaultPii: false,
    tracesSampleRate: 0,
    integrations: [],
    transport: Sentry.makeNodeTransport,
    stackParser: Sentry.defaultStackParser,
    beforeSend(event) {
      for (const ex of event.exception?.values ?? []) {
        if (ex.value) ex.value = ex.value.replace(ADDRESS_IN_TEXT, '[email]');
      }
      delete event.request;
      delete event.user;
      return event;
    },
  });
  const scope = new Sentry.Scope();
  scope.setClient(client);
  client.init();
  return {
    report: (err, context) => {
      const scoped = scope.clone();
      scoped.setTag('requestId', context?.requestId ?? 'none');
      scoped.captureException(err);
    },
    flush: async () => {
      await client.flush(2_000);
    },
  };
}
