import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { UnknownFieldsMessage } from '../../../common/decorators/unknown-fields-message.decorator';
import { NOTIFICATION_ERRORS } from '../notifications.errors';

/** `PATCH /profile/notifications`: the lists to change; the others keep their setting. */
@UnknownFieldsMessage(NOTIFICATION_ERRORS.preferencesUnknownFields)
export class UpdateNotificationPreferencesDto {
  /** The daily email listing the connection requests you received. */
  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean({ message: 'digest must be true or false' })
  digest?: boolean;

  /** An email when a message waits unread 15 minutes while you are offline. */
  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean({ message: 'missedMessages must be true or false' })
  missedMessages?: boolean;
}
