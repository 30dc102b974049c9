import type { ChainableCommander, Redis } from 'ioredis';

type ScriptArg = string | number;
type DefinedCommand = (...args: ScriptArg[]) => Promise<unknown>;

/**
 * A Lua script registered on a client with ioredis' `defineCommand`: run by its SHA (`EVALSHA`,
 * loaded once per connection, also inside pipelines) instead of sending its text with every
 * call as `EVAL` does. Keys get the client's key prefix, as with `EVAL`.
 */
export class LuaScript {
  constructor(
    private readonly redis: Redis,
    /** Unique per script: the name ioredis adds to the client and its pipelines. */
    private readonly name: string,
    numberOfKeys: number,
    lua: string,
  ) {
    redis.defineCommand(name, { numberOfKeys, lua });
  }

  run(keys: string[], args: ScriptArg[]): Promise<unknown> {
    return this.commandOf(this.redis)(...keys, ...args);
  }

  /** Queues a run on a pipeline of the same client. */
  queue(pipeline: ChainableCommander, keys: string[], args: ScriptArg[]): void {
    void this.commandOf(pipeline)(...keys, ...args);
  }

  private commandOf(target: Redis | ChainableCommander): DefinedCommand {
    const command = (target as unknown as Record<string, DefinedCommand>)[this.name];
    return command.bind(target);
  }
}
