import client from 'prom-client';

/**
 * The checklist's dashboard figures. Each app has its own registry (tests run several);
 * labels are bounded enums and route templates, never emails, IPs or tokens.
 */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new client.Counter<L>({ name, help, labelNames, registers: [registry] });
  const gauge = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new client.Gauge<L>({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    otpRequests: counter('otp_requests_total', 'OTP requests by outcome', ['outcome']),
    otpVerifications: counter('otp_verifications_total', 'OTP verifications by result', ['result']),
    mfaVerifications: counter(
      'mfa_verifications_total',
      'Second-factor and step-up checks by method (totp, recovery, email) and result',
      ['method', 'result'],
    ),
    guessNotices: counter(
      'otp_guess_notices_total',
      'Addresses whose hourly failure budget was spent on guesses at live codes (owner told by email)',
      [],
    ),
    magicLinks: counter(
      'magic_links_total',
      'Sign-in link confirmations (POST) by result: signed_in, invalid (unknown, used or expired), cross_site',
      ['result'],
    ),
    sessionsCreated: counter('sessions_created_total', 'Sessions created by sign-in', []),
    refreshes: counter('token_refreshes_total', 'Refresh attempts by result', ['result']),
    sessionRevocations: counter('session_revocations_total', 'Sessions revoked by reason', ['reason']),
    ipRuleDenials: counter('ip_rule_denials_total', 'Requests refused by an IP rule', ['reason']),
    emails: counter('emails_total', 'Email jobs by outcome', ['outcome']),
    emailEvents: counter('email_events_total', 'Provider webhook events applied, by type', [
      'provider',
      'type',
    ]),
    emailsSuppressed: counter(
      'emails_suppressed_total',
      'Code emails not sent: the address is suppressed',
      [],
    ),
    globalCeilingHits: counter(
      'otp_global_ceiling_hits_total',
      'Codes not sent and code checks refused because a global hourly ceiling was reached',
      ['ceiling'],
    ),
    globalCeilingUsage: gauge(
      'otp_global_ceiling_usage',
      "This clock hour's count of a global ceiling, as this instance last saw it",
      ['ceiling'],
    ),
    globalCeilingLimit: gauge('otp_global_ceiling_limit', 'A global hourly ceiling as configured', [
      'ceiling',
    ]),
    rateLimited: counter('rate_limited_total', 'Requests refused by a limit', ['limit']),
    httpRequests: counter('http_requests_total', 'HTTP requests', ['method', 'route', 'status']),
    httpDuration: new client.Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
