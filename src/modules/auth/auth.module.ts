import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { MailQueueModule } from '../mail/mail-queue.module';
import { UsersModule } from '../users/users.module';
import { AccessTokenGuard } from './access-token.guard';
import { AccessTokenStrategy } from './access-token.strategy';
import { AccountsService } from './accounts.service';
import { AuthCookies } from './auth-cookies';
import { AuthController } from './auth.controller';
import { LoginAttemptsStore } from './login-attempts.store';
import { SessionsStoreModule } from './sessions-store.module';
import { SessionsService } from './sessions.service';
import { TokenService } from './token.service';

/**
 * Accounts (AccountsService) and sessions (SessionsService), the `/auth` routes and the global
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
  ],
  controllers: [AuthController],
  providers: [
    AccountsService,
    SessionsService,
    AuthCookies,
    LoginAttemptsStore,
    TokenService,
    AccessTokenStrategy,
    { provide: APP_GUARD, useClass: AccessTokenGuard },
  ],
  exports: [AccountsService, SessionsService, AuthCookies],
})
export class AuthModule {}
