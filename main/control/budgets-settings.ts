// budgets.* and settings.*: limits and settings are edits of the config file (applied live; body capture included),
// except the offline switch (the gateway's runtime switch) and start-at-login (the desktop app's, in the ledger).
import type { YAMLMap } from 'yaml';
import type { BudgetsInput, CallResponse, SettingsDto } from '../../shared/control/contract.js';
import { budgetsConfigSchema, defaultPort } from '../config/schema.js';
import { readStartAtLogin, writeStartAtLogin } from './app-settings.js';
import { ensureMap, type ConfigDocument } from './config-editor.js';
import type { ControlContext, ServiceRequest } from './context.js';
import { budgetLines } from './status.js';

type BudgetsAnswer = CallResponse<'budgets.get'>;

export function getBudgets(context: ControlContext): BudgetsAnswer {
  return { limits: budgetLimits(fileSection(context.editor.read(), 'budgets')), lines: budgetLines(context) };
}

export async function setBudgets(context: ControlContext, input: BudgetsInput): Promise<BudgetsAnswer> {
  await context.editor.edit((document) => {
    const budgets = ensureMap(document, ['budgets']);
    setOrDelete(document, budgets, 'daily_usd', input.dailyUsd);
    setOrDelete(document, budgets, 'monthly_usd', input.monthlyUsd);
    budgets.set('action', input.action);
    budgets.set('warn_at', input.warnAt);
    const names = Object.keys(input.clients);
    if (names.length === 0) {
      budgets.delete('clients');
      return;
    }
    const clients = ensureMap(document, ['budgets', 'clients']);
    for (const pair of [...clients.items]) {
      const name = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
      if (!Object.hasOwn(input.clients, name)) clients.delete(pair.key);
    }
    for (const [name, limits] of Object.entries(input.clients)) {
      const client = ensureMap(document, ['budgets', 'clients', name]);
      setOrDelete(document, client, 'daily_usd', limits.dailyUsd);
      setOrDelete(document, client, 'monthly_usd', limits.monthlyUsd);
    }
  });
  return getBudgets(context);
}

export function getSettings(context: ControlContext): SettingsDto {
  const { config } = context.gateway;
  const server = fileSection(context.editor.read(), 'server') as { port?: unknown };
  const reference = config.ledger.referenceModel;
  return {
    host: config.server.host,
    // the port the next start listens on (a change takes effect after a restart; the running port is in status.url)
    port: typeof server.port === 'number' ? server.port : defaultPort,
    startAtLogin: readStartAtLogin(context.ledger.database),
    offline: context.gateway.offlineSwitch ?? null,
    autoOffline: config.routing.autoOffline,
    referenceModel: `${reference.providerId}/${reference.model}`,
    priceRefresh: config.ledger.priceRefresh,
    capture: { ...config.ledger.capture },
    requestRetentionDays: config.ledger.retentionDays ?? null,
    ollamaApi: { enabled: config.ollamaApi.enabled, port: config.ollamaApi.port ?? null },
  };
}

export async function setSettings(context: ControlContext, input: ServiceRequest<'settings.set'>): Promise<SettingsDto> {
  const fileChanges: Array<[path: string[], value: unknown]> = [];
  if (input.port !== undefined) fileChanges.push([['server', 'port'], input.port]);
  if (input.autoOffline !== undefined) fileChanges.push([['routing', 'auto_offline'], input.autoOffline]);
  if (input.referenceModel !== undefined) fileChanges.push([['ledger', 'reference_model'], input.referenceModel]);
  if (input.priceRefresh !== undefined) fileChanges.push([['ledger', 'price_refresh'], input.priceRefresh]);
  if (input.capture?.enabled !== undefined) fileChanges.push([['ledger', 'capture', 'enabled'], input.capture.enabled]);
  if (input.capture?.retentionDays !== undefined) fileChanges.push([['ledger', 'capture', 'retention_days'], input.capture.retentionDays]);
  // null: the key goes, and with it the limit
  if (input.requestRetentionDays !== undefined) fileChanges.push([['ledger', 'retention_days'], input.requestRetentionDays]);
  if (input.ollamaApi?.enabled !== undefined) fileChanges.push([['ollama_api', 'enabled'], input.ollamaApi.enabled]);
  if (fileChanges.length > 0) {
    await context.editor.edit((document) => {
      for (const [path, value] of fileChanges) {
        const map = ensureMap(document, path.slice(0, -1));
        if (value === null) map.delete(path.at(-1) as string);
        else map.set(path.at(-1) as string, value);
      }
    });
  }
  if (input.offline !== undefined) context.gateway.setOffline(input.offline ?? undefined);
  if (input.startAtLogin !== undefined) {
    writeStartAtLogin(context.ledger.database, input.startAtLogin);
    context.onStartAtLoginChanged?.(input.startAtLogin);
  }
  return getSettings(context);
}

function setOrDelete(document: ConfigDocument, map: YAMLMap, key: string, value: number | null): void {
  if (value === null) map.delete(key);
  else map.set(key, document.createNode(value));
}

/** One top-level section of the file as plain data ({} when absent or not a mapping). */
function fileSection(document: ConfigDocument, key: string): Record<string, unknown> {
  const value: unknown = (document.toJS() as Record<string, unknown> | null)?.[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function budgetLimits(section: Record<string, unknown>): BudgetsAnswer['limits'] {
  const parsed = budgetsConfigSchema.safeParse(section);
  const budgets = parsed.success ? parsed.data : {};
  return {
    dailyUsd: budgets.daily_usd ?? null,
    monthlyUsd: budgets.monthly_usd ?? null,
    action: budgets.action ?? 'block',
    warnAt: budgets.warn_at ?? 0.8,
    clients: Object.fromEntries(
      Object.entries(budgets.clients ?? {}).map(([name, limits]) => [name, { dailyUsd: limits.daily_usd ?? null, monthlyUsd: limits.monthly_usd ?? null }]),
    ),
  };
}
