import { Body, Controller, Get, HttpCode, Inject, Module, Param, Post } from '@nestjs/common';
import { InjectModel, MongooseModule, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import Redis from 'ioredis';
import { Model } from 'mongoose';
import { Public } from '../../src/common/decorators/public.decorator';
import { ok } from '../../src/common/http/api-response';
import { REDIS_CLIENT } from '../../src/common/redis/redis.module';

/** A test-only feature used to exercise the global plumbing (validation, errors, storage). */
@Schema({ collection: 'probes', timestamps: true })
export class Probe {
  @Prop({ required: true, unique: true })
  key!: string;

  @Prop({ required: true })
  value!: string;
}
const ProbeSchema = SchemaFactory.createForClass(Probe);

class CreateProbeDto {
  @IsString()
  @MaxLength(40)
  key!: string;

  @IsString()
  value!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  weight?: number;
}

@Public()
@Controller('__probe')
class ProbeController {
  constructor(
    @InjectModel(Probe.name) private readonly probes: Model<Probe>,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  @Post('items')
  async create(@Body() body: CreateProbeDto) {
    const created = await this.probes.create({ key: body.key, value: body.value });
    return ok('Probe created', { key: created.key, value: created.value });
  }

  @Get('items')
  async list() {
    const items = await this.probes.find({}, { _id: 0, key: 1, value: 1 }).sort({ key: 1 }).lean();
    return ok('Probes', items);
  }

  @Get('boom')
  boom(): never {
    throw new Error('secret internal detail: db password is hunter2');
  }

  @Post('redis/:key')
  @HttpCode(200)
  async redisRoundTrip(@Param('key') key: string, @Body() body: { value?: string }) {
    await this.redis.set(`probe:${key}`, String(body.value ?? ''), 'EX', 60);
    return ok('Redis round trip', { value: await this.redis.get(`probe:${key}`) });
  }
}

@Module({
  imports: [MongooseModule.forFeature([{ name: Probe.name, schema: ProbeSchema }])],
  controllers: [ProbeController],
})
export class ProbeModule {}
