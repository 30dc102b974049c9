import { ApiProperty } from '@nestjs/swagger';
import {
  Describes,
  RateLimitedResponse,
  SuccessResponse,
} from '../../common/http/api-response.docs';
import type { BoostView } from './profile-boost.rules';

/** A started profile boost. */
@Describes<BoostView>()
export class BoostDoc {
  @ApiProperty({ format: 'date-time' })
  boostedAt!: string;
  /** First in everyone's feed until then (30 minutes). */
  @ApiProperty({ format: 'date-time' })
  boostedUntil!: string;
  /** The next boost may start then (7 days after this one). */
  @ApiProperty({ format: 'date-time' })
  nextBoostAt!: string;
}

export class BoostResponse extends SuccessResponse {
  data!: BoostDoc;
}

/** 429 of a boost within 7 days of the previous one. */
export class BoostCoolingDownResponse extends RateLimitedResponse {
  /** When the next boost may start. */
  @ApiProperty({ format: 'date-time' })
  nextBoostAt!: string;
}
