import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Swagger shapes of the user views (contract §2); the views themselves are plain objects. */
export class SelfUserDoc {
  @ApiProperty({ example: '665f1c2e9b1e8a3d4c5b6a70' }) _id!: string;
  @ApiProperty({ example: 'Asha' }) firstName!: string;
  @ApiPropertyOptional({ example: 'Rao' }) lastName?: string;
  @ApiProperty({ example: 'asha@example.com' }) emailId!: string;
  @ApiPropertyOptional({ example: 27 }) age?: number;
  @ApiPropertyOptional({ enum: ['male', 'female', 'others'] }) gender?: string;
  @ApiPropertyOptional({ example: 'https://example.com/asha.jpg' }) photoUrl?: string;
  @ApiProperty({ example: 'Backend developer', description: '"" until the user writes one' })
  about!: string;
  @ApiProperty({ type: [String], example: ['React', 'Go'] }) skills!: string[];
  @ApiProperty({ type: String, nullable: true }) githubUsername!: string | null;
  @ApiProperty({ enum: ['FREE', 'PRO', 'ELITE'] }) membershipType!: string;
  @ApiProperty({ enum: ['MONTHLY', 'YEARLY'], nullable: true }) billingCycle!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) membershipExpiry!:
    string | null;
  @ApiProperty() onboardingComplete!: boolean;
  @ApiProperty() emailVerified!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ProfileUserDoc {
  @ApiProperty() _id!: string;
  @ApiProperty() firstName!: string;
  @ApiPropertyOptional() lastName?: string;
  @ApiProperty({ description: '"" until the user writes one' }) about!: string;
  @ApiPropertyOptional() photoUrl?: string;
  @ApiProperty({ type: [String] }) skills!: string[];
  @ApiPropertyOptional() age?: number;
  @ApiPropertyOptional({ enum: ['male', 'female', 'others'] }) gender?: string;
  @ApiProperty({ enum: ['FREE', 'PRO', 'ELITE'] }) membershipType!: string;
  @ApiProperty({ type: String, nullable: true }) githubUsername!: string | null;
}

export class SelfUserResponse {
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty() message!: string;
  @ApiProperty({ type: SelfUserDoc }) data!: SelfUserDoc;
}

export class ProfileUserResponse {
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty() message!: string;
  @ApiProperty({ type: ProfileUserDoc }) data!: ProfileUserDoc;
}
