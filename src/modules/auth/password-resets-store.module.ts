import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { PasswordReset, PasswordResetSchema } from './password-reset.schema';
import { PasswordResetsRepository } from './password-resets.repository';

/** The `password_resets` collection: the API's AuthModule and the worker's clean-up. */
@Module({
  imports: [MongooseModule.forFeature([{ name: PasswordReset.name, schema: PasswordResetSchema }])],
  providers: [PasswordResetsRepository],
  exports: [PasswordResetsRepository],
})
export class PasswordResetsStoreModule {}
