/** The per-application prom-client `Registry` (never the global default one). */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/** Prefix of every metric of ours (the default Node metrics keep prom-client's names). */
export const METRIC_PREFIX = 'devlink_';

export const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
export const MONGO_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/** Which process a registry belongs to (the worker has no HTTP routes or sockets). */
export type MetricsProcess = 'api' | 'worker';

/** Outcomes of POST /payment/webhook, as counted. */
export type WebhookOutcome =
  | 'processed'
  | 'duplicate'
  | 'already_applied'
  | 'mismatch'
  | 'payment_failed'
  | 'unknown_order'
  | 'no_payment'
  | 'ignored_event'
  | 'invalid_signature'
  | 'not_configured'
  | 'error';

/** Results of one email job attempt, as counted. */
export type EmailResult = 'sent' | 'retrying' | 'failed';

/** Results of one scheduled job attempt, as counted. */
export type ScheduledJobResult = 'completed' | 'retrying' | 'failed';
