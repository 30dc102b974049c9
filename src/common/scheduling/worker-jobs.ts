import type { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type Redis from 'ioredis';

/** Registers and starts a named cron job in the worker's scheduler. */
export function startCronJob(
  scheduler: SchedulerRegistry,
  name: string,
  cronTime: string,
  onTick: () => void,
  timeZone?: string,
): void {
  const job = CronJob.from({ cronTime, timeZone, onTick });
  scheduler.addCronJob(name, job);
  job.start();
}

export function stopCronJob(scheduler: SchedulerRegistry, name: string): void {
  if (scheduler.doesExist('cron', name)) scheduler.deleteCronJob(name);
}

/**
 * Claims one run of a scheduled job for this process (`SET NX` with a TTL): with several workers,
 * exactly one claims each slot (day, hour, …) named by `key`. False when another process has it.
 */
export async function claimRun(redis: Redis, key: string, ttlMs: number): Promise<boolean> {
  return (await redis.set(key, String(process.pid), 'PX', ttlMs, 'NX')) === 'OK';
}
