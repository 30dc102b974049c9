import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '../../config/app-config';
import { InternalErrorResponse } from '../http/api-response.docs';
import { ApiExpressAdapter } from './http-adapter';

export const ACCESS_COOKIE_AUTH = 'accessToken';

/** Swagger UI at /docs and the OpenAPI JSON at /docs-json, with cookie auth declared. */
export function setupSwagger(app: INestApplication, config: AppConfig): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('DevLink API')
      .setDescription(
        'Backend of the DevLink developer networking platform. Every response uses the envelope ' +
          '`{ success, message, data? }`; errors are `{ success: false, message }`. Authenticated ' +
          'routes read the httpOnly `accessToken` cookie set by `POST /auth/login`.',
      )
      .setVersion('1.0')
      .addCookieAuth('accessToken', { type: 'apiKey', in: 'cookie' }, ACCESS_COOKIE_AUTH)
      .addGlobalResponse({
        status: 500,
        type: InternalErrorResponse,
        description: 'Internal Server Error: an unexpected fault; the errorId is in the log too',
      })
      .build(),
  );
  const serve = () =>
    SwaggerModule.setup('docs', app, document, {
      jsonDocumentUrl: 'docs-json',
      useGlobalPrefix: Boolean(config.globalPrefix),
      swaggerOptions: { withCredentials: true, persistAuthorization: true },
    });
  const adapter = app.getHttpAdapter();
  if (adapter instanceof ApiExpressAdapter) adapter.withExpressRoutes(serve);
  else serve();
}
