import { Command, type Redis } from 'ioredis';
import { ChatEmitClaims, EMIT_CLAIM_TTL_MS } from './chat-emit-claims';

describe('ChatEmitClaims.confirmEmitted', () => {
  function claimsOver(sendCommand: jest.Mock) {
    const redis = {
      options: { keyPrefix: 'app:' },
      defineCommand: jest.fn(),
      sendCommand,
    } as unknown as Redis;
    return new ChatEmitClaims(redis);
  }

  it('hands the confirmation to the connection in the same step, not to a later auto-pipeline', () => {
    const sent: Command[] = [];
    const sendCommand = jest.fn((command: Command) => {
      sent.push(command);
      command.resolve('OK');
    });
    claimsOver(sendCommand).confirmEmitted('m1');
    expect(sent).toHaveLength(1);
    expect(sent[0].name).toBe('set');
    expect(sent[0].args.map(String)).toEqual([
      'app:chat:emit:m1',
      'emitted',
      'PX',
      String(EMIT_CLAIM_TTL_MS),
    ]);
  });

  it('logs a failed confirmation instead of rejecting unhandled', async () => {
    const sendCommand = jest.fn((command: Command) => command.reject(new Error('down')));
    const claims = claimsOver(sendCommand);
    const warn = jest
      .spyOn((claims as unknown as { logger: { warn: () => void } }).logger, 'warn')
      .mockImplementation(() => undefined);
    claims.confirmEmitted('m2');
    await new Promise((resolve) => setImmediate(resolve));
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ msg: 'Chat emit confirmation failed', messageId: 'm2' }),
    );
  });
});
