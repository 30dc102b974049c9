import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Connection } from 'mongoose';
import { withTimeout } from '../../common/async/with-timeout';

const PING_TIMEOUT_MS = 1500;

/**
 * MongoDB readiness by a real `ping` round trip. (Terminus' MongooseHealthIndicator only reads
 * the connection's state, which stays "connected" for up to the driver's 10 s heartbeat after
 * the server died.)
 */
@Injectable()
export class MongoHealthIndicator {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async isHealthy(key: 'mongodb') {
    const indicator = this.indicators.check(key);
    try {
      const db = this.connection.db;
      if (!db) return indicator.down({ message: 'not connected' });
      await withTimeout(db.command({ ping: 1 }), PING_TIMEOUT_MS, 'ping timed out');
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
