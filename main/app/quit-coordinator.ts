// Quitting drains the gateway first: the first `before-quit` is held back while in-flight requests finish
// (gateway.stop), then the quit is issued again and goes through. A hard limit keeps a stuck drain from
// keeping the app alive.

export type QuitState = 'running' | 'draining' | 'drained';

export interface QuitCoordinatorOptions {
  /** stops the gateway, letting in-flight requests finish */
  readonly drain: () => Promise<void>;
  /** issues the quit again (app.quit()); called once, after the drain */
  readonly finish: () => void;
  /** quit anyway after this long */
  readonly hardLimitMs: number;
  readonly log?: (line: string) => void;
}

export class QuitCoordinator {
  private current: QuitState = 'running';

  constructor(private readonly options: QuitCoordinatorOptions) {}

  get state(): QuitState {
    return this.current;
  }

  /** True once a quit has begun: windows should close for real instead of hiding to the tray. */
  get quitting(): boolean {
    return this.current !== 'running';
  }

  /** The `before-quit` handler. */
  beforeQuit(preventDefault: () => void): void {
    if (this.current === 'drained') return;
    preventDefault();
    if (this.current === 'draining') return;
    this.current = 'draining';
    const log = this.options.log ?? (() => undefined);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log(`quit: requests still running after ${this.options.hardLimitMs} ms; quitting anyway`);
        resolve();
      }, this.options.hardLimitMs);
    });
    const drained = this.options.drain().catch((error: unknown) => log(`quit: error while stopping the gateway: ${String(error)}`));
    void Promise.race([drained, limit]).then(() => {
      clearTimeout(timer);
      this.current = 'drained';
      this.options.finish();
    });
  }
}
