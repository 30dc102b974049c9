import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsOptional,
  Matches,
} from 'class-validator';
import { OBJECT_ID_DOC_PATTERN } from '../../../common/http/api-params.docs';
import { OBJECT_ID_PATTERN } from '../../../common/validation/object-id';

export const MAX_READ_IDS = 100;

/** `POST /notifications/read`: `{ ids }` or `{ all: true }`, exactly one. */
export class MarkReadDto {
  @ApiPropertyOptional({ type: [String], pattern: OBJECT_ID_DOC_PATTERN, maxItems: MAX_READ_IDS })
  @IsOptional()
  @IsArray({ message: 'ids must be a list of notification ids' })
  @ArrayMinSize(1, { message: 'ids must name at least one notification' })
  @ArrayMaxSize(MAX_READ_IDS, { message: `ids may list at most ${MAX_READ_IDS} notifications` })
  @Matches(OBJECT_ID_PATTERN, { each: true, message: 'each of ids must be a notification id' })
  ids?: string[];

  /** `true`: every unread notification of yours. */
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'all must be true or false' })
  all?: boolean;
}
