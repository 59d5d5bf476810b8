// The timer behind the ledger's age limits (captured bodies, request rows): one bounded deletion run after a start
// delay, then another soon after while a run came back full (a backlog), else one per interval. Never keeps the
// process alive.

export interface DeletionRunTiming {
  /** rows one run deletes at most: a run that deleted this many is followed by another after `backlogDelayMs` */
  readonly batch: number;
  readonly backlogDelayMs: number;
  readonly intervalMs: number;
}

export class DeletionRuns {
  private timer: NodeJS.Timeout | undefined;

  /** `run` deletes at most one batch and returns how many rows it deleted. */
  constructor(
    private readonly run: () => number,
    private readonly timing: DeletionRunTiming,
  ) {}

  /** (Re)starts the runs: the next one after `delayMs`. */
  start(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const full = this.run() >= this.timing.batch;
      this.start(full ? this.timing.backlogDelayMs : this.timing.intervalMs);
    }, delayMs);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
