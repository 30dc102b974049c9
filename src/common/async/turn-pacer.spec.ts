import { TurnPacer } from './turn-pacer';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TurnPacer', () => {
  it('runs at most perTurn tasks a turn, in order, until none wait', async () => {
    const ran: number[] = [];
    const pacer = new TurnPacer(2, () => undefined);
    for (let i = 0; i < 5; i++) pacer.run(() => ran.push(i));

    expect(ran).toEqual([]);
    expect(pacer.waiting).toBe(5);
    await nextTurn();
    expect(ran).toEqual([0, 1]);
    await nextTurn();
    expect(ran).toEqual([0, 1, 2, 3]);
    await nextTurn();
    expect(ran).toEqual([0, 1, 2, 3, 4]);
    expect(pacer.waiting).toBe(0);
  });

  it('lets other work queued meanwhile run between two turns of a burst', async () => {
    const events: string[] = [];
    const pacer = new TurnPacer(1, () => undefined);
    pacer.run(() => {
      events.push('task 1');
      setImmediate(() => events.push('other work'));
    });
    pacer.run(() => events.push('task 2'));
    await nextTurn(); // task 1
    await nextTurn(); // what it queued, then task 2

    expect(events).toEqual(['task 1', 'other work', 'task 2']);
  });

  it('a task added while a turn runs waits for a later turn; a throwing task does not stop the others', async () => {
    const ran: string[] = [];
    const errors: unknown[] = [];
    const pacer = new TurnPacer(3, (error) => errors.push(error));
    pacer.run(() => {
      ran.push('a');
      pacer.run(() => ran.push('added'));
    });
    pacer.run(() => {
      throw new Error('boom');
    });
    pacer.run(() => ran.push('c'));
    await nextTurn();
    expect(ran).toEqual(['a', 'c']);
    expect(errors).toEqual([new Error('boom')]);
    await nextTurn();
    expect(ran).toEqual(['a', 'c', 'added']);
  });

  it('counts down a burst turn by turn, then runs a later task in the next turn', async () => {
    const ran: number[] = [];
    const pacer = new TurnPacer(3, () => undefined);
    for (let i = 0; i < 7; i++) pacer.run(() => ran.push(i));
    const waiting: number[] = [];
    for (let turn = 0; turn < 3; turn++) {
      await nextTurn();
      waiting.push(pacer.waiting);
    }
    expect(waiting).toEqual([4, 1, 0]);
    pacer.run(() => ran.push(7));
    await nextTurn();
    expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('refuses a perTurn that is not a positive integer', () => {
    expect(() => new TurnPacer(0, () => undefined)).toThrow('perTurn must be a positive integer');
  });
});
