import { getQueueToken } from '@nestjs/bullmq';
import type { Provider } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { MetricsService } from './metrics.service';

/** Puts queue `name` in the queue-depth metrics of whichever process registers the queue. */
export function queueDepthMetrics(name: string): Provider {
  return {
    provide: `queue-depth-metrics:${name}`,
    inject: [getQueueToken(name), MetricsService],
    useFactory: (queue: Queue, metrics: MetricsService) => {
      metrics.observeQueue(queue);
      return queue.name;
    },
  };
}
