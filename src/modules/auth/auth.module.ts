import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { MongooseModule } from '@nestjs/mongoose';
import { PassportModule } from '@nestjs/passport';
import { MailQueueModule } from '../mail/mail-queue.module';
import { UsersModule } from '../users/users.module';
import { AccessTokenGuard } from './access-token.guard';
import { AccessTokenStrategy } from './access-token.strategy';
import { AuthCookies } from './auth-cookies';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { Session, SessionSchema } from './session.schema';
import { SessionCache } from './session-cache';
import { SessionsRepository } from './sessions.repository';
import { TokenService } from './token.service';

@Module({
  imports: [
    UsersModule,
    MailQueueModule,
    PassportModule,
    JwtModule.register({}),
    MongooseModule.forFeature([{ name: Session.name, schema: SessionSchema }]),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    AuthCookies,
    TokenService,
    SessionsRepository,
    SessionCache,
    AccessTokenStrategy,
    { provide: APP_GUARD, useClass: AccessTokenGuard },
  ],
  exports: [AuthService, AuthCookies],
})
export class AuthModule {}
