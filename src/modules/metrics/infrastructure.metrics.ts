import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import Redis from 'ioredis';
import type { Connection } from 'mongoose';
import { Gauge, Registry } from 'prom-client';
import { withTimeout } from '../../common/async/with-timeout';
import { REDIS_CLIENT } from '../../common/redis/redis.module';
import { METRIC_PREFIX, METRICS_REGISTRY } from './metrics.constants';
import { MetricsService } from './metrics.service';

/** Job states reported per queue (BullMQ `getJobCounts`). */
export const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'paused',
  'failed',
  'completed',
] as const;
const SCRAPE_TIMEOUT_MS = 1000;

interface CommandEvent {
  commandName: string;
  duration: number;
}

/**
 * The dependencies' side, for both processes: MongoDB command latency from the driver's command
 * monitoring (the connection is opened with `monitorCommands: true`), and, read at scrape time,
 * BullMQ job counts per state of the queues their modules registered (`observeQueue`) and a Redis PING round trip (ioredis has no per-command
 * timing events, so Redis command latency is not measured).
 */
@Injectable()
export class InfrastructureMetrics implements OnModuleInit {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly metrics: MetricsService,
    @InjectConnection() private readonly connection: Connection,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  onModuleInit(): void {
    const client = this.connection.getClient();
    client.on('commandSucceeded', (event: CommandEvent) =>
      this.metrics.mongoCommand(event.commandName, true, event.duration),
    );
    client.on('commandFailed', (event: CommandEvent) =>
      this.metrics.mongoCommand(event.commandName, false, event.duration),
    );

    const metrics = this.metrics;
    const registers = [this.registry];
    new Gauge({
      name: `${METRIC_PREFIX}queue_jobs`,
      help: 'BullMQ jobs per queue and state, read when scraped (completed and failed are those kept)',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        await Promise.all(
          metrics.observedQueues().map(async (queue) => {
            const counts = await withTimeout(
              queue.getJobCounts(...QUEUE_STATES),
              SCRAPE_TIMEOUT_MS,
              'queue counts timed out',
            ).catch(() => null);
            if (!counts) return;
            for (const state of QUEUE_STATES)
              this.set({ queue: queue.name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
    // Both Redis gauges read one PING per scrape (prom-client runs collect callbacks concurrently).
    const ping = this.pingOncePerScrape();
    new Gauge({
      name: `${METRIC_PREFIX}redis_up`,
      help: 'Whether Redis answered PING within 1 s when scraped (1) or not (0)',
      registers,
      async collect() {
        this.set((await ping()) === null ? 0 : 1);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}redis_ping_seconds`,
      help: 'Round trip of one Redis PING when scraped (absent when it failed)',
      registers,
      async collect() {
        this.reset();
        const seconds = await ping();
        if (seconds !== null) this.set(seconds);
      },
    });
  }

  /** A PING round trip in seconds (null when it failed), shared by calls within 500 ms. */
  private pingOncePerScrape(): () => Promise<number | null> {
    let last: { at: number; result: Promise<number | null> } | undefined;
    return () => {
      if (last && Date.now() - last.at < 500) return last.result;
      const started = process.hrtime.bigint();
      const result = withTimeout(this.redis.ping(), SCRAPE_TIMEOUT_MS, 'ping timed out').then(
        () => Number(process.hrtime.bigint() - started) / 1e9,
        () => null,
      );
      last = { at: Date.now(), result };
      return result;
    };
  }
}
