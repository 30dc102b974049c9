import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { exitWithFatal } from './common/bootstrap/application-context';
import { configureHttpApp } from './common/bootstrap/configure-http-app';
import { ApiExpressAdapter } from './common/bootstrap/http-adapter';
import { exitOnSignals } from './common/bootstrap/graceful-shutdown';
import { drainHttp, trackRequests } from './common/bootstrap/http-drain';
import { loadConfigOrExit } from './config/load-config-or-exit';
import { PresenceGateway } from './modules/presence/presence.gateway';
import { installSocketServer } from './modules/presence/socket-server';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit('api');
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    new ApiExpressAdapter(),
    { bodyParser: false, bufferLogs: true },
  );
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.flushLogs();
  configureHttpApp(app, config);
  installSocketServer(app, config);
  const requests = trackRequests(app.getHttpServer());
  exitOnSignals(app, logger, (deadline) =>
    drainHttp(app, app.get(PresenceGateway), requests, deadline),
  );
  await app.listen(config.port, '0.0.0.0');
  const base = `http://localhost:${config.port}${config.globalPrefix ? `/${config.globalPrefix}` : ''}`;
  logger.log({
    msg: `API listening on ${base}; Swagger UI at ${base}/docs`,
    url: base,
    docs: `${base}/docs`,
  });
}

bootstrap().catch(exitWithFatal('api', 'Boot failed'));
