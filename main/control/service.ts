// The management service: every call of the control contract, implemented once. Both transports (Electron IPC,
// headless HTTP) call these methods through dispatch.ts, which validates requests and responses on the way.
import type { BudgetsInput, CallResponse, ControlApi, ProviderInput } from '../../shared/control/contract.js';
import { firstRunPending, gatewaySettings, writeFirstRunDone } from './app-settings.js';
import { getBudgets, getSettings, setBudgets, setSettings } from './budgets-settings.js';
import { clearCache, getPrivacy, setPrivacy, testPrivacy } from './privacy-settings.js';
import { getLimits, setLimits } from './limits-settings.js';
import { usageReads } from './ledger-access.js';
import { connectApply, connectCheck, connectPreview, connectTools } from './connect.js';
import type { ControlContext, ServiceRequest } from './context.js';
import { discoverLocalServers } from './discover.js';
import { environmentKeys, importEnvironmentKey } from './environment-keys.js';
import { deleteKey, setKey } from './keys.js';
import { addProvider, listPresets, listProviders, providerModels, removeProvider, testProvider, updateProvider } from './providers.js';
import { deleteComparison, deleteSet, getComparison, leaderboard, listHistory, listSets, saveComparison, saveSet, vote } from './playground.js';
import { deleteRoute, listRoutes, saveRoute } from './routes.js';
import { getStatus, reloadGateway } from './status.js';
import { createToken, listTokens, revokeToken } from './tokens.js';
import { purgeCaptures, usageBreakdown, usageDetail, usageErrors, usageLatency, usageLog, usageSeries, usageTotals } from './usage.js';

type Answer<Name extends keyof ControlApi> = Promise<CallResponse<Name>>;

export class ControlService implements ControlApi {
  constructor(private readonly context: ControlContext) {}

  async 'status.get'(): Answer<'status.get'> {
    return getStatus(this.context);
  }

  async 'gateway.reload'(): Answer<'gateway.reload'> {
    return reloadGateway(this.context);
  }

  async 'providers.list'(): Answer<'providers.list'> {
    return listProviders(this.context);
  }

  async 'providers.presets'(): Answer<'providers.presets'> {
    return listPresets();
  }

  async 'providers.add'(request: ProviderInput): Answer<'providers.add'> {
    return addProvider(this.context, request);
  }

  async 'providers.update'(request: ProviderInput): Answer<'providers.update'> {
    return updateProvider(this.context, request);
  }

  async 'providers.remove'(request: ServiceRequest<'providers.remove'>): Answer<'providers.remove'> {
    return removeProvider(this.context, request.id);
  }

  async 'providers.test'(request: ServiceRequest<'providers.test'>): Answer<'providers.test'> {
    return testProvider(this.context, request.id);
  }

  async 'providers.models'(request: ServiceRequest<'providers.models'>): Answer<'providers.models'> {
    return providerModels(this.context, request.id);
  }

  async 'providers.discover'(): Answer<'providers.discover'> {
    return discoverLocalServers(this.context.gateway.config.providers, this.context.discovery);
  }

  async 'providers.environmentKeys'(): Answer<'providers.environmentKeys'> {
    return environmentKeys(this.context.env, this.context.secretStore);
  }

  async 'providers.importEnvironmentKey'(request: ServiceRequest<'providers.importEnvironmentKey'>): Answer<'providers.importEnvironmentKey'> {
    await importEnvironmentKey(this.context.env, this.context.secretStore, request.preset);
    await this.context.keys.keysChanged(request.preset);
    return { stored: true };
  }

  async 'keys.set'(request: ServiceRequest<'keys.set'>): Answer<'keys.set'> {
    return setKey(this.context, request);
  }

  async 'keys.delete'(request: ServiceRequest<'keys.delete'>): Answer<'keys.delete'> {
    return deleteKey(this.context, request);
  }

  async 'routes.list'(): Answer<'routes.list'> {
    return listRoutes(this.context);
  }

  async 'routes.save'(request: ServiceRequest<'routes.save'>): Answer<'routes.save'> {
    return saveRoute(this.context, request);
  }

  async 'routes.delete'(request: ServiceRequest<'routes.delete'>): Answer<'routes.delete'> {
    return deleteRoute(this.context, request.name);
  }

  async 'tokens.list'(): Answer<'tokens.list'> {
    return listTokens(this.context);
  }

  async 'tokens.create'(request: ServiceRequest<'tokens.create'>): Answer<'tokens.create'> {
    return createToken(this.context, request.name);
  }

  async 'tokens.revoke'(request: ServiceRequest<'tokens.revoke'>): Answer<'tokens.revoke'> {
    return revokeToken(this.context, request.name);
  }

  async 'usage.totals'(request: ServiceRequest<'usage.totals'>): Answer<'usage.totals'> {
    return usageTotals(this.context, request);
  }

  async 'usage.series'(request: ServiceRequest<'usage.series'>): Answer<'usage.series'> {
    return usageSeries(this.context, request);
  }

  async 'usage.breakdown'(request: ServiceRequest<'usage.breakdown'>): Answer<'usage.breakdown'> {
    return usageBreakdown(this.context, request);
  }

  async 'usage.errors'(request: ServiceRequest<'usage.errors'>): Answer<'usage.errors'> {
    return usageErrors(this.context, request);
  }

  async 'usage.latency'(request: ServiceRequest<'usage.latency'>): Answer<'usage.latency'> {
    return usageLatency(this.context, request);
  }

  async 'usage.log'(request: ServiceRequest<'usage.log'>): Answer<'usage.log'> {
    return usageLog(this.context, request);
  }

  async 'usage.detail'(request: ServiceRequest<'usage.detail'>): Answer<'usage.detail'> {
    return usageDetail(this.context, request);
  }

  async 'usage.captures.purge'(): Answer<'usage.captures.purge'> {
    return purgeCaptures(this.context);
  }

  async 'budgets.get'(): Answer<'budgets.get'> {
    return getBudgets(this.context);
  }

  async 'budgets.set'(request: BudgetsInput): Answer<'budgets.set'> {
    return setBudgets(this.context, request);
  }

  async 'settings.get'(): Answer<'settings.get'> {
    return getSettings(this.context);
  }

  async 'settings.set'(request: ServiceRequest<'settings.set'>): Answer<'settings.set'> {
    return setSettings(this.context, request);
  }

  async 'limits.get'(): Answer<'limits.get'> {
    return getLimits(this.context);
  }

  async 'limits.set'(request: ServiceRequest<'limits.set'>): Answer<'limits.set'> {
    return setLimits(this.context, request);
  }

  async 'privacy.get'(): Answer<'privacy.get'> {
    return getPrivacy(this.context);
  }

  async 'privacy.set'(request: ServiceRequest<'privacy.set'>): Answer<'privacy.set'> {
    return setPrivacy(this.context, request);
  }

  async 'privacy.test'(request: ServiceRequest<'privacy.test'>): Answer<'privacy.test'> {
    return testPrivacy(this.context, request);
  }

  async 'cache.clear'(): Answer<'cache.clear'> {
    return clearCache(this.context);
  }

  async 'usage.guard'(request: ServiceRequest<'usage.guard'>): Answer<'usage.guard'> {
    const summary = await usageReads(this.context).guardSummary(request.range);
    return { detectors: summary.detectors.map((entry) => ({ ...entry })), cacheHits: summary.cacheHits, cacheSavedUsd: summary.cacheSavedUsd };
  }

  async 'firstRun.get'(): Answer<'firstRun.get'> {
    const { config } = this.context.gateway;
    return { pending: await firstRunPending(gatewaySettings(this.context), config.source, config.providers.length) };
  }

  async 'firstRun.finish'(): Answer<'firstRun.finish'> {
    await writeFirstRunDone(gatewaySettings(this.context));
    return { pending: false };
  }

  async 'playground.sets.list'(): Answer<'playground.sets.list'> {
    return listSets(this.context);
  }

  async 'playground.sets.save'(request: ServiceRequest<'playground.sets.save'>): Answer<'playground.sets.save'> {
    return saveSet(this.context, request);
  }

  async 'playground.sets.delete'(request: ServiceRequest<'playground.sets.delete'>): Answer<'playground.sets.delete'> {
    return deleteSet(this.context, request.name);
  }

  async 'playground.history.list'(request: ServiceRequest<'playground.history.list'>): Answer<'playground.history.list'> {
    return listHistory(this.context, request);
  }

  async 'playground.history.get'(request: ServiceRequest<'playground.history.get'>): Answer<'playground.history.get'> {
    return getComparison(this.context, request.id);
  }

  async 'playground.history.save'(request: ServiceRequest<'playground.history.save'>): Answer<'playground.history.save'> {
    return saveComparison(this.context, request);
  }

  async 'playground.history.delete'(request: ServiceRequest<'playground.history.delete'>): Answer<'playground.history.delete'> {
    return deleteComparison(this.context, request.id);
  }

  async 'playground.vote'(request: ServiceRequest<'playground.vote'>): Answer<'playground.vote'> {
    return vote(this.context, request);
  }

  async 'playground.leaderboard'(request: ServiceRequest<'playground.leaderboard'>): Answer<'playground.leaderboard'> {
    return leaderboard(this.context, request);
  }

  async 'connect.tools'(): Answer<'connect.tools'> {
    return connectTools(this.context);
  }

  async 'connect.preview'(request: ServiceRequest<'connect.preview'>): Answer<'connect.preview'> {
    return connectPreview(this.context, request);
  }

  async 'connect.apply'(request: ServiceRequest<'connect.apply'>): Answer<'connect.apply'> {
    return connectApply(this.context, request);
  }

  async 'connect.check'(request: ServiceRequest<'connect.check'>): Answer<'connect.check'> {
    return connectCheck(this.context, request);
  }
}
