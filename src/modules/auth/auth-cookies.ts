import { Injectable } from '@nestjs/common';
import type { CookieOptions, Response } from 'express';
import { AppConfig } from '../../config/app-config';

export const ACCESS_COOKIE = 'accessToken';
export const REFRESH_COOKIE = 'refreshToken';

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
}

/** The one place that sets and clears the auth cookies, so their flags never drift apart. */
@Injectable()
export class AuthCookies {
  constructor(private readonly config: AppConfig) {}

  set(res: Response, tokens: IssuedTokens): void {
    res.cookie(ACCESS_COOKIE, tokens.accessToken, {
      ...this.base('/'),
      maxAge: this.config.auth.accessTtlMs,
    });
    res.cookie(REFRESH_COOKIE, tokens.refreshToken, {
      ...this.base(this.config.auth.refreshCookiePath),
      maxAge: this.config.auth.refreshTtlMs,
    });
  }

  /** Same attributes as when set, or browsers keep the cookie. */
  clear(res: Response): void {
    res.clearCookie(ACCESS_COOKIE, this.base('/'));
    res.clearCookie(REFRESH_COOKIE, this.base(this.config.auth.refreshCookiePath));
  }

  private base(path: string): CookieOptions {
    return {
      httpOnly: true,
      secure: this.config.auth.cookieSecure,
      sameSite: this.config.auth.cookieSameSite,
      path,
    };
  }
}
