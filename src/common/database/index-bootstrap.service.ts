import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';

/**
 * Creates every index declared on the registered schemas before the app serves traffic.
 * Mongoose's autoIndex runs in the background and only emits errors; we await and fail the boot
 * instead, so a bad index never goes unnoticed.
 */
@Injectable()
export class IndexBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(IndexBootstrapService.name);

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const name of this.connection.modelNames()) {
      const model = this.connection.model(name);
      try {
        await model.createIndexes();
      } catch (error) {
        this.logger.fatal({ msg: 'Index creation failed', err: error, model: name });
        throw new Error(`Index creation failed for model ${name}: ${(error as Error).message}`);
      }
    }
    this.logger.log({ msg: 'Indexes ensured', models: this.connection.modelNames() });
  }
}
