/**
 * Runs tasks in the order given, at most `perTurn` in one turn of the event loop (each turn a
 * `setImmediate`), so a burst of work that arrives at once (a reconnect storm's handshakes) is
 * spread over several turns, with timers and I/O served between them, instead of holding the
 * event loop for the whole burst. A task that throws does not stop the ones after it.
 */
export class TurnPacer {
  private queue: (() => void)[] = [];
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
    return this.queue.length;
  }

  run(task: () => void): void {
    this.queue.push(task);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.turn);
    }
  }

  private readonly turn = (): void => {
    const now = this.queue.length <= this.perTurn ? this.queue : this.queue.slice(0, this.perTurn);
    this.queue = now === this.queue ? [] : this.queue.slice(this.perTurn);
    for (const task of now) {
      try {
        task();
      } catch (error) {
        this.onError(error);
      }
    }
    if (this.queue.length > 0) setImmediate(this.turn);
    else this.scheduled = false;
  };
}
