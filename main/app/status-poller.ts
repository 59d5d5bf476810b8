// Reads the desktop status every few seconds and hands it on (tray, notifications). Reads are cheap — in-memory
// gateway state and one indexed ledger query — and never overlap: a poll asked for during a read runs right after
// it, so a click on the tray is reflected at once. A failing read is logged once per distinct message.

export interface StatusPollerOptions<Status> {
  readonly read: () => Promise<Status>;
  readonly publish: (status: Status) => void;
  readonly intervalMs: number;
  readonly log: (line: string) => void;
}

export class StatusPoller<Status> {
  private timer: ReturnType<typeof setInterval> | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private lastError: string | undefined;

  constructor(private readonly options: StatusPollerOptions<Status>) {}

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.poll(), this.options.intervalMs);
    void this.poll();
  }

  /** Reads now (or right after the read in progress); resolves when the status has been published. */
  poll(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.readOnce().finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        void this.poll();
      }
    });
    return this.reading;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async readOnce(): Promise<void> {
    try {
      const status = await this.options.read();
      if (this.stopped) return;
      this.lastError = undefined;
      this.options.publish(status);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastError) this.options.log(`status: ${message}`);
      this.lastError = message;
    }
  }
}
