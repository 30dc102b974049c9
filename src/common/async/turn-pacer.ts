/**
 * Runs tasks in the order given, at most `perTurn` in one turn of the event loop (each turn a
 * `setImmediate`), so a burst of work that arrives at once (a reconnect storm's handshakes) is
 * spread over several turns, with timers and I/O served between them, instead of holding the
 * event loop for the whole burst. A task that throws does not stop the ones after it.
 */
export class TurnPacer {
  private queue: (() => void)[] = [];
  /** The next task to run: a burst of thousands is walked, not copied turn after turn. */
  private head = 0;
  private scheduled = false;

  constructor(
    private readonly perTurn: number,
    private readonly onError: (error: unknown) => void,
  ) {
    if (!Number.isInteger(perTurn) || perTurn < 1) {
      throw new Error(`perTurn must be a positive integer, got ${perTurn}`);
    }
  }

  /** Tasks waiting for a turn. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  run(task: () => void): void {
    this.queue.push(task);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.turn);
    }
  }

  private readonly turn = (): void => {
    // Tasks queued by these ones wait for a later turn.
    const end = Math.min(this.queue.length, this.head + this.perTurn);
    while (this.head < end) {
      const task = this.queue[this.head];
      this.head += 1;
      try {
        task();
      } catch (error) {
        this.onError(error);
      }
    }
    if (this.head < this.queue.length) {
      setImmediate(this.turn);
      return;
    }
    this.queue = [];
    this.head = 0;
    this.scheduled = false;
  };
}
