import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '../../config/app-config';
import { allErrorEntries } from '../../error-catalogue';
import { InternalErrorResponse } from '../http/api-response.docs';
import { ApiExpressAdapter } from './http-adapter';

export const ACCESS_COOKIE_AUTH = 'accessToken';
/** HTTP basic authentication with ADMIN_USER / ADMIN_PASSWORD (admin routes). */
export const ADMIN_BASIC_AUTH = 'admin';

/** Where Swagger UI is served; the OpenAPI JSON is at `<path>-json`. */
const DOCS_PATH = 'docs';

/** Swagger UI at /docs and the OpenAPI JSON at /docs-json, with cookie auth declared. */
export function setupSwagger(app: INestApplication, config: AppConfig): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('DevLink API')
      .setDescription(
        'Backend of the DevLink developer networking platform. Every response uses the envelope ' +
          '`{ success, message, data? }`; errors are `{ success: false, message, code }`. Authenticated ' +
          'routes read the httpOnly `accessToken` cookie set by `POST /auth/login`.',
      )
      .setVersion('1.0')
      .addCookieAuth('accessToken', { type: 'apiKey', in: 'cookie' }, ACCESS_COOKIE_AUTH)
      .addBasicAuth({ type: 'http', scheme: 'basic' }, ADMIN_BASIC_AUTH)
      .addGlobalResponse({
        status: 500,
        type: InternalErrorResponse,
        description: 'Internal Server Error: an unexpected fault; the errorId is in the log too',
      })
      .build(),
  );
  listErrorCodes(document);
  const serve = () =>
    SwaggerModule.setup(DOCS_PATH, app, document, {
      jsonDocumentUrl: `${DOCS_PATH}-json`,
      useGlobalPrefix: Boolean(config.globalPrefix),
      swaggerOptions: { withCredentials: true, persistAuthorization: true },
    });
  const adapter = app.getHttpAdapter();
  // Every Swagger path (UI, assets, JSON, YAML) starts with this.
  const prefix = `${config.globalPrefix ? `/${config.globalPrefix}` : ''}/${DOCS_PATH}`;
  if (adapter instanceof ApiExpressAdapter) adapter.withExpressRoutes(prefix, serve);
  else serve();
}

/**
 * Appends every catalogue code to the description of `code` in the error envelope and the
 * schemas extending it, so the list in the document is the catalogue itself. Not an enum: errors
 * no entry covers answer with the HTTP status name.
 */
function listErrorCodes(document: OpenAPIObject): void {
  const codes = [...new Set(allErrorEntries().map((entry) => entry.code))].sort();
  const list = ` Codes: ${codes.map((code) => `\`${code}\``).join(', ')}.`;
  let listed = 0;
  for (const schema of Object.values(document.components?.schemas ?? {})) {
    const properties = 'properties' in schema ? schema.properties : undefined;
    const code = properties?.code;
    if (!properties?.success || !code || '$ref' in code) continue;
    code.description = `${code.description ?? ''}${list}`;
    listed++;
  }
  if (listed === 0) throw new Error('no error schema documents `code`');
}
