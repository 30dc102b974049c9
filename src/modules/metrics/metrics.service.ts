import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  EmailResult,
  HTTP_BUCKETS,
  METRIC_PREFIX,
  METRICS_REGISTRY,
  MONGO_BUCKETS,
  ScheduledJobResult,
  WebhookOutcome,
} from './metrics.constants';

/** What the metrics read of a Socket.io socket. */
export interface ObservedSocket {
  data?: { userId?: string };
  onAny(listener: (event: string) => void): unknown;
  onAnyOutgoing(listener: (event: string) => void): unknown;
  listenerCount(event: string): number;
}

/** What the metrics need of a Socket.io server (the presence gateway's). */
export interface ObservedSocketServer {
  on(event: 'connection', listener: (socket: ObservedSocket) => void): unknown;
  sockets: { sockets: Map<string, ObservedSocket> };
}

/** A BullMQ queue as the metrics read it (its job counts, when scraped). */
export interface ObservedQueue {
  readonly name: string;
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

/** An incoming socket event with no handler is counted under this name (client-chosen names). */
export const UNKNOWN_SOCKET_EVENT = 'unknown';

/**
 * The application's metrics on its own prom-client registry, with one typed helper per thing we
 * count. Other modules inject this service (the module is global) and call the helpers; nobody
 * else touches prom-client.
 */
@Injectable()
export class MetricsService {
  private readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly socketConnections: Counter;
  private readonly socketEvents: Counter<'direction' | 'event'>;
  private readonly emails: Counter<'job' | 'result'>;
  private readonly scheduledJobs: Counter<'job' | 'result'>;
  private readonly webhooks: Counter<'outcome'>;
  private readonly mongoCommands: Histogram<'command' | 'outcome'>;
  private readonly jobCompleted: Gauge<'queue'>;
  private readonly lastCompleted = new Map<string, Date>();
  private socketServer?: ObservedSocketServer;
  private readonly queues = new Set<ObservedQueue>();

  constructor(@Inject(METRICS_REGISTRY) readonly registry: Registry) {
    const registers = [registry];
    this.httpDuration = new Histogram({
      name: `${METRIC_PREFIX}http_request_duration_seconds`,
      help: 'HTTP request latency by route template and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    // Read at scrape time from the Socket.io server of this instance.
    const sockets = () => [...(this.socketServer?.sockets.sockets.values() ?? [])];
    new Gauge({
      name: `${METRIC_PREFIX}socketio_connected_sockets`,
      help: 'Sockets connected to this instance: bound to a session, or parked (no identity)',
      labelNames: ['state'],
      registers,
      collect() {
        const all = sockets();
        const bound = all.filter((socket) => socket.data?.userId).length;
        this.set({ state: 'bound' }, bound);
        this.set({ state: 'parked' }, all.length - bound);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}online_users`,
      help: 'Distinct users with at least one bound socket on this instance',
      registers,
      collect() {
        this.set(
          new Set(
            sockets()
              .map((socket) => socket.data?.userId)
              .filter(Boolean),
          ).size,
        );
      },
    });
    this.socketConnections = new Counter({
      name: `${METRIC_PREFIX}socketio_connections_total`,
      help: 'Socket.io connections accepted by this instance',
      registers,
    });
    this.socketEvents = new Counter({
      name: `${METRIC_PREFIX}socketio_events_total`,
      help: 'Socket.io events received from clients (in) and sent to sockets (out), by name',
      labelNames: ['direction', 'event'],
      registers,
    });
    this.emails = new Counter({
      name: `${METRIC_PREFIX}emails_total`,
      help: 'Email job attempts by job name and result (sent, retrying, failed for good)',
      labelNames: ['job', 'result'],
      registers,
    });
    this.scheduledJobs = new Counter({
      name: `${METRIC_PREFIX}scheduled_jobs_total`,
      help: 'Scheduled job attempts by job name and result (completed, retrying, failed for good)',
      labelNames: ['job', 'result'],
      registers,
    });
    this.webhooks = new Counter({
      name: `${METRIC_PREFIX}payment_webhooks_total`,
      help: 'Payment webhook deliveries by outcome',
      labelNames: ['outcome'],
      registers,
    });
    this.mongoCommands = new Histogram({
      name: `${METRIC_PREFIX}mongodb_command_duration_seconds`,
      help: 'MongoDB command latency (driver command monitoring) by command name and outcome',
      labelNames: ['command', 'outcome'],
      buckets: MONGO_BUCKETS,
      registers,
    });
    this.jobCompleted = new Gauge({
      name: `${METRIC_PREFIX}queue_last_completed_job_timestamp_seconds`,
      help: 'When this process last completed a job of the queue (Unix time)',
      labelNames: ['queue'],
      registers,
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The registry in the Prometheus text format (runs every collect callback). */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  observeHttp(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  /**
   * Called once by the presence gateway with the Socket.io server: counts connections and the
   * events of every socket; the connected-socket and online-user gauges read it at scrape time.
   */
  observeSocketServer(server: ObservedSocketServer): void {
    this.socketServer = server;
    server.on('connection', (socket) => {
      this.socketConnections.inc();
      socket.onAny((event) => {
        // Clients choose event names: only those a gateway handles become labels.
        const name =
          typeof event === 'string' && socket.listenerCount(event) > 0
            ? event
            : UNKNOWN_SOCKET_EVENT;
        this.socketEvents.inc({ direction: 'in', event: name });
      });
      socket.onAnyOutgoing((event) => {
        this.socketEvents.inc({ direction: 'out', event: String(event) });
      });
    });
  }

  /** Adds a queue to `devlink_queue_jobs` (its module calls this once at init). */
  observeQueue(queue: ObservedQueue): void {
    this.queues.add(queue);
  }

  observedQueues(): ObservedQueue[] {
    return [...this.queues];
  }

  emailResult(job: string, result: EmailResult): void {
    this.emails.inc({ job, result });
  }

  scheduledJobResult(job: string, result: ScheduledJobResult): void {
    this.scheduledJobs.inc({ job, result });
  }

  webhookOutcome(outcome: WebhookOutcome): void {
    this.webhooks.inc({ outcome });
  }

  mongoCommand(command: string, ok: boolean, durationMs: number): void {
    this.mongoCommands.observe({ command, outcome: ok ? 'ok' : 'error' }, durationMs / 1000);
  }

  jobCompletedNow(queue: string, at = new Date()): void {
    this.lastCompleted.set(queue, at);
    this.jobCompleted.set({ queue }, at.getTime() / 1000);
  }

  /** When this process last completed a job of `queue` (null: none since it started). */
  lastJobCompletedAt(queue: string): Date | null {
    return this.lastCompleted.get(queue) ?? null;
  }
}
