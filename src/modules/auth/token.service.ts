import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, createSecretKey, KeyObject } from 'node:crypto';
import { Types } from 'mongoose';
import { AppConfig } from '../../config/app-config';
import { isObjectIdString } from '../../common/validation/object-id';

export interface AccessClaims {
  userId: string;
  sid: string;
}

export interface RefreshClaims extends AccessClaims {
  gen: number;
  iat: number;
  exp: number;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * An HMAC secret as a KeyObject. jsonwebtoken re-derives a key from a string secret on every
 * call (trying `createPublicKey` first, which throws): a third of the CPU of a cheap request.
 */
export function hmacKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/** Signs and verifies the HS256 access and refresh JWTs (contract §1.7). */
@Injectable()
export class TokenService {
  private readonly accessKey: KeyObject;
  private readonly refreshKey: KeyObject;

  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {
    this.accessKey = hmacKey(config.auth.accessSecret);
    this.refreshKey = hmacKey(config.auth.refreshSecret);
  }

  signAccess(userId: Types.ObjectId, sessionId: Types.ObjectId): string {
    const claims: AccessClaims = { userId: userId.toHexString(), sid: sessionId.toHexString() };
    return this.jwt.sign(claims, {
      privateKey: this.accessKey,
      expiresIn: Math.floor(this.config.auth.accessTtlMs / 1000),
      algorithm: 'HS256',
    });
  }

  /**
   * Deterministic: the same (session, generation, issue time) always gives the same JWT, which
   * lets a refresh inside the grace window hand back the current token instead of a new one.
   */
  signRefresh(
    userId: Types.ObjectId,
    sessionId: Types.ObjectId,
    generation: number,
    issuedAt: Date,
    expiresAt: Date,
  ) {
    const claims: RefreshClaims = {
      userId: userId.toHexString(),
      sid: sessionId.toHexString(),
      gen: generation,
      iat: Math.floor(issuedAt.getTime() / 1000),
      exp: Math.floor(expiresAt.getTime() / 1000),
    };
    return this.jwt.sign(claims, { privateKey: this.refreshKey, algorithm: 'HS256' });
  }

  /** Returns the claims, or null for anything invalid, expired or missing a claim. */
  verifyRefresh(token: string): RefreshClaims | null {
    try {
      const claims = this.jwt.verify<RefreshClaims>(token, {
        publicKey: this.refreshKey as unknown as Buffer, // typed narrower than jsonwebtoken accepts
        algorithms: ['HS256'],
      });
      const valid =
        isObjectIdString(claims.userId) &&
        isObjectIdString(claims.sid) &&
        Number.isInteger(claims.gen);
      return valid ? claims : null;
    } catch {
      return null;
    }
  }

  /**
   * Access-token verification outside the HTTP guard (which uses the passport strategy): socket
   * handshakes. An expired token is refused everywhere.
   */
  verifyAccess(token: string): Partial<AccessClaims> | null {
    try {
      return this.jwt.verify<AccessClaims>(token, {
        publicKey: this.accessKey as unknown as Buffer, // typed narrower than jsonwebtoken accepts
        algorithms: ['HS256'],
      });
    } catch {
      return null;
    }
  }
}
