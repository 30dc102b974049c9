import { ApiProperty } from '@nestjs/swagger';
import type { HealthCheckResult, HealthCheckStatus } from '@nestjs/terminus';
import { Describes } from '../../common/http/api-response.docs';

/** `GET /health` (contract §1.11): not enveloped. */
export class HealthStatusDto {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';

  /** Process uptime in seconds. @example 1234.56 */
  uptime!: number;

  @ApiProperty({ format: 'date-time' })
  timestamp!: string;
}

/** One dependency's check: `status` is `up` or `down`, with a `message` when down. */
type HealthIndicatorState = { status: 'up' | 'down'; message?: string };

/** `GET /health/ready`: the Terminus report, not enveloped. */
@Describes<HealthCheckResult>()
export class HealthReportDto {
  /** `ok` when every check is up. */
  status!: HealthCheckStatus;

  /** The checks that are up, by name (`mongodb`, `redis`). */
  info?: Record<string, HealthIndicatorState>;

  /** The checks that are down, by name. */
  error?: Record<string, HealthIndicatorState>;

  /** Every check, by name. */
  details!: Record<string, HealthIndicatorState>;
}
