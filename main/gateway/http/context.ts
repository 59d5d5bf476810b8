// What a request handler may use: the gateway's current state (swapped whole on reload) and per-request facts.
import type { GatewayConfig } from '../../config/load.js';
import type { ResponseCache } from '../../ledger/response-cache.js';
import type { ResponseStore } from '../../ledger/response-store.js';
import type { BudgetGuard } from '../budget-guard.js';
import type { RateLimiter } from '../limits/limiter.js';
import type { SharedStateView } from '../shared-state/shared-state.js';
import type { SharedTokensView } from '../../secrets/postgres-client-token-store.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { Metering } from '../metering.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { RoutingService } from '../routing/service.js';
import type { RequestGuard } from './guard.js';
import type { ModelCatalog } from '../routing/model-catalog.js';
import type { ClientIdentity, ClientTokenVerifier } from '../../secrets/token-verifier.js';

export interface GatewayState {
  readonly config: GatewayConfig;
  readonly registry: ProviderRegistry;
  readonly tokens: ClientTokenVerifier;
  readonly guard: RequestGuard;
  readonly catalog: ModelCatalog;
  readonly routing: RoutingService;
  /** the ledger and prices; undefined runs the gateway without metering */
  readonly metering: Metering | undefined;
  readonly budgets: BudgetGuard | undefined;
  /** stored Responses-API responses; undefined when storing is off (or there is no ledger) */
  readonly responses: ResponseStore | undefined;
  /** the response cache's store (routes turn caching on); undefined without a ledger */
  readonly responseCache?: ResponseCache | undefined;
  /** rate limits (limits/limiter.ts); undefined while none is configured, so the pipeline skips the step */
  readonly limiter?: RateLimiter | undefined;
  /** GET /metrics and the OTLP export (telemetry/); undefined runs without them */
  readonly telemetry?: Telemetry | undefined;
  /** team mode (state.url): what /health says of the shared state in Redis */
  readonly sharedState?: { view(): SharedStateView } | undefined;
  /** team mode (ledger.url): what /health says of the client tokens shared in PostgreSQL */
  readonly sharedTokens?: { view(): SharedTokensView } | undefined;
}

export interface RequestContext {
  readonly gateway: GatewayState;
  readonly identity: ClientIdentity;
  /** aborted when the client disconnects or the gateway shuts down */
  readonly signal: AbortSignal;
  /** performance.now() when the request arrived */
  readonly startedAt: number;
  readonly corsHeaders: Readonly<Record<string, string>>;
  /** what the access log and a refusal's ledger row learn of the request as it goes (http/rejections.ts) */
  readonly trace?: RequestTrace;
}

export interface RequestTrace {
  /** performance.now() at arrival */
  readonly startedAt: number;
  readonly method: string;
  readonly path: string;
  /** passed the Host/Origin guard: from here on a refusal leaves a ledger row */
  admitted: boolean;
  identity: ClientIdentity | undefined;
  /** the model the client asked for, once its endpoint read it */
  model: string | undefined;
}
