import { ApiProperty } from '@nestjs/swagger';

export class HealthStatusDto {
  @ApiProperty({ example: 'ok' })
  status!: 'ok';

  @ApiProperty({ example: 1234.56, description: 'Process uptime in seconds' })
  uptime!: number;

  @ApiProperty({ example: '2026-06-25T08:00:00.000Z' })
  timestamp!: string;
}
