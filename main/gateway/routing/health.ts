// What the gateway has learnt about its targets from real traffic, without extra probes per request: a circuit
// breaker per target, whether each provider answered at all (reachability), and whether its key was refused.
// Local-first and automatic offline decisions read from here. The clock is injected for tests.
import type { ProviderError } from '../providers/errors.js';
import { admits, closedCircuit, defaultTrialTimeoutMs, onAttempt, onFailure, onSuccess, type CircuitState } from './circuit.js';
import type { CircuitSettings, Locality, Target } from '../../config/types.js';

export interface ProviderHealth {
  readonly locality: Locality;
  /** undefined until a request or probe has said */
  reachable: boolean | undefined;
  keyRejected: boolean;
  lastError: string | undefined;
  lastChange: number;
}

export interface CircuitView {
  readonly target: string;
  readonly phase: CircuitState['phase'];
  readonly until?: number;
}

/** Errors that say something about the target rather than about the request. */
function countsAgainstTarget(error: ProviderError): boolean {
  return !(error.errorClass === 'bad_request' || error.errorClass === 'context_length' || error.errorClass === 'cancelled' || error.kind === 'aborted');
}

function isUnreachable(error: ProviderError): boolean {
  return error.kind === 'connect' || (error.kind === 'timeout' && error.code === 'UND_ERR_CONNECT_TIMEOUT');
}

export class HealthTracker {
  private readonly circuits = new Map<string, CircuitState>();
  private readonly providers = new Map<string, ProviderHealth>();
  /** shared state (gateway/shared-state): told when a circuit opens here, so the other replicas open it too */
  onCircuitOpen: ((target: string, cooldownMs: number) => void) | undefined;
  /** … when one closes here (a request succeeded on it), so the others close theirs without waiting */
  onCircuitClose: ((target: string) => void) | undefined;
  /** … when this replica starts the half-open trial, so the others leave the trial to it */
  onTrialStart: ((target: string) => void) | undefined;
  /** when each circuit that is not closed last opened here (this process's clock), to tell a peer's close from an older one */
  private readonly openedAt = new Map<string, number>();

  constructor(
    private settings: CircuitSettings,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A reload may change allowed_fails / cooldown_time; learnt state is kept. */
  updateSettings(settings: CircuitSettings): void {
    this.settings = settings;
  }

  // The first line of the per-request calls below: with every circuit closed (no failures anywhere, the usual
  // state) there is nothing to look up.
  admits(target: Target): boolean {
    if (this.circuits.size === 0) return true;
    return admits(this.circuits.get(key(target)) ?? closedCircuit, this.clock());
  }

  /** When an open circuit lets requests through again (for ordering "least recently failed" first). */
  openUntil(target: Target): number {
    if (this.circuits.size === 0) return 0;
    const state = this.circuits.get(key(target));
    // A half-open circuit refuses requests while its trial is in flight, until the trial is presumed lost.
    if (state?.phase === 'half-open') return state.trialStartedAt + defaultTrialTimeoutMs;
    return state?.phase === 'open' ? state.until : 0;
  }

  attempt(target: Target): void {
    if (this.circuits.size === 0) return;
    const state = this.circuits.get(key(target));
    if (!state) return;
    const next = onAttempt(state, this.clock());
    this.circuits.set(key(target), next);
    if (state.phase === 'open' && next.phase === 'half-open') this.onTrialStart?.(key(target));
  }

  success(target: Target, locality: Locality): void {
    const state = this.circuits.size === 0 ? undefined : this.circuits.get(key(target));
    if (state && state.phase !== 'closed') {
      this.circuits.set(key(target), onSuccess(state));
      this.openedAt.delete(key(target));
      this.onCircuitClose?.(key(target));
    } else if (state && state.failures.length > 0) this.circuits.delete(key(target));
    this.markProvider(target.providerId, locality, true, undefined);
  }

  failure(target: Target, locality: Locality, error: ProviderError): void {
    if (error.errorClass === 'auth') this.provider(target.providerId, locality).keyRejected = true;
    if (countsAgainstTarget(error)) {
      const before = this.circuits.get(key(target)) ?? closedCircuit;
      const after = onFailure(before, this.clock(), this.settings);
      this.circuits.set(key(target), after);
      if (after.phase === 'open' && before.phase !== 'open') {
        this.openedAt.set(key(target), this.clock());
        this.onCircuitOpen?.(key(target), after.until - this.clock());
      }
    }
    if (error.kind !== 'aborted') this.markProvider(target.providerId, locality, !isUnreachable(error), error.message);
  }

  /**
   * Another replica opened this circuit until `until` (this process's clock): it opens here too, unless it is open
   * longer already or a trial request of this replica's is deciding it.
   */
  openedByPeer(target: string, until: number): void {
    const state = this.circuits.get(target);
    if (state?.phase === 'half-open' || (state?.phase === 'open' && state.until >= until) || until <= this.clock()) return;
    if (state?.phase !== 'open') this.openedAt.set(target, this.clock());
    this.circuits.set(target, { phase: 'open', until, cooldownMs: state?.phase === 'open' ? state.cooldownMs : this.settings.cooldownMs });
  }

  /**
   * Another replica's request succeeded on this target at `closedAt` (this process's clock): a circuit that opened
   * here before that closes too. One that opened here since (fresh failures of this replica's) stays open.
   */
  closedByPeer(target: string, closedAt: number): void {
    const state = this.circuits.get(target);
    if (!state || state.phase === 'closed') return;
    if ((this.openedAt.get(target) ?? 0) > closedAt) return;
    this.circuits.delete(target);
    this.openedAt.delete(target);
  }

  /** Start-up and recovery probes report here too. */
  probed(providerId: string, locality: Locality, reachable: boolean, detail: string): void {
    this.markProvider(providerId, locality, reachable, reachable ? undefined : detail);
  }

  /** A key that was refused is assumed fixed when the key changes (the keychain issue calls this). */
  keyChanged(providerId: string): void {
    const health = this.providers.get(providerId);
    if (health) health.keyRejected = false;
  }

  providerHealth(providerId: string): ProviderHealth | undefined {
    return this.providers.get(providerId);
  }

  /** No cloud provider is known to be reachable and at least one is known not to be. */
  cloudUnreachable(cloudProviderIds: readonly string[]): boolean {
    let anyDown = false;
    for (const id of cloudProviderIds) {
      const reachable = this.providers.get(id)?.reachable;
      if (reachable === true) return false;
      if (reachable === false) anyDown = true;
    }
    return anyDown;
  }

  circuitsView(): CircuitView[] {
    const now = this.clock();
    const views: CircuitView[] = [];
    for (const [target, state] of this.circuits) {
      if (state.phase === 'open') views.push({ target, phase: now >= state.until ? 'half-open' : 'open', until: state.until });
      else if (state.phase === 'half-open') views.push({ target, phase: 'half-open' });
    }
    return views;
  }

  /** Forget providers that a reload removed. */
  retain(providerIds: ReadonlySet<string>): void {
    for (const id of this.providers.keys()) if (!providerIds.has(id)) this.providers.delete(id);
    for (const target of this.circuits.keys())
      if (!providerIds.has(target.slice(0, target.indexOf('/')))) {
        this.circuits.delete(target);
        this.openedAt.delete(target);
      }
  }

  private provider(providerId: string, locality: Locality): ProviderHealth {
    let health = this.providers.get(providerId);
    if (!health) {
      health = { locality, reachable: undefined, keyRejected: false, lastError: undefined, lastChange: this.clock() };
      this.providers.set(providerId, health);
    }
    return health;
  }

  private markProvider(providerId: string, locality: Locality, reachable: boolean, error: string | undefined): void {
    const health = this.provider(providerId, locality);
    if (health.reachable !== reachable) health.lastChange = this.clock();
    health.reachable = reachable;
    health.lastError = error;
  }
}

export function key(target: Target): string {
  return `${target.providerId}/${target.model}`;
}
