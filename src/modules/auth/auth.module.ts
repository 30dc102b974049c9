import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { MailQueueModule } from '../mail/mail-queue.module';
import { UsersModule } from '../users/users.module';
import { AccessTokenGuard } from './access-token.guard';
import { AccessTokenStrategy } from './access-token.strategy';
import { AccountRecoveryController } from './account-recovery.controller';
import { AccountRecoveryService } from './account-recovery.service';
import { AccountsService } from './accounts.service';
import { AuthCookies } from './auth-cookies';
import { AuthController } from './auth.controller';
import { DevicesController } from './devices.controller';
import { DevicesService } from './devices.service';
import { LoginAttemptsStore } from './login-attempts.store';
import { PasswordResetLimits } from './password-reset-limits';
import { PasswordResetsStoreModule } from './password-resets-store.module';
import { SessionsStoreModule } from './sessions-store.module';
import { SessionsService } from './sessions.service';
import { TokenService } from './token.service';

/**
 * Accounts (AccountsService), forgotten passwords (AccountRecoveryService), sessions
 * (SessionsService) and the caller's devices (DevicesService), the `/auth` routes and the global
 * access guard. Exports what other modules may use: AccountsService (password change for
 * profile), SessionsService (socket authentication for presence) and AuthCookies.
 */
@Module({
  imports: [
    UsersModule,
    MailQueueModule,
    PassportModule,
    JwtModule.register({}),
    SessionsStoreModule,
    PasswordResetsStoreModule,
  ],
  controllers: [AuthController, AccountRecoveryController, DevicesController],
  providers: [
    AccountsService,
    SessionsService,
    AuthCookies,
    LoginAttemptsStore,
    AccountRecoveryService,
    PasswordResetLimits,
    DevicesService,
    TokenService,
    AccessTokenStrategy,
    { provide: APP_GUARD, useClass: AccessTokenGuard },
  ],
  exports: [AccountsService, SessionsService, AuthCookies],
})
export class AuthModule {}
