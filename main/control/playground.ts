// playground.*: saved comparison sets, the history of kept comparisons, votes and the leaderboard, on the ledger
// database (in team mode PostgreSQL's, shared by every replica). The comparisons themselves run through the gateway
// (/v1/chat/completions), not through these calls.
import type { CallResponse } from '../../shared/control/contract.js';
import type { ControlContext, ServiceRequest } from './context.js';
import { notFound } from './errors.js';
import { rateModels } from './playground-rating.js';
import { PlaygroundStore } from './playground-store.js';
import { sqlitePlaygroundTables } from '../ledger/playground-tables.js';

const stores = new WeakMap<ControlContext, PlaygroundStore>();

function storeOf(context: ControlContext): PlaygroundStore {
  let store = stores.get(context);
  if (!store) {
    store = new PlaygroundStore(context.backend?.playground ?? sqlitePlaygroundTables(context.ledger.database));
    stores.set(context, store);
  }
  return store;
}

export function listSets(context: ControlContext): Promise<CallResponse<'playground.sets.list'>> {
  return storeOf(context).listSets();
}

export function saveSet(context: ControlContext, request: ServiceRequest<'playground.sets.save'>): Promise<CallResponse<'playground.sets.save'>> {
  return storeOf(context).saveSet(request);
}

export async function deleteSet(context: ControlContext, name: string): Promise<CallResponse<'playground.sets.delete'>> {
  if (!(await storeOf(context).deleteSet(name))) throw notFound(`no saved comparison set named '${name.slice(0, 80)}'`, 'name');
  return { deleted: true };
}

export function listHistory(context: ControlContext, request: ServiceRequest<'playground.history.list'>): Promise<CallResponse<'playground.history.list'>> {
  return storeOf(context).summaries(request.limit);
}

export function getComparison(context: ControlContext, id: string): Promise<CallResponse<'playground.history.get'>> {
  return storeOf(context).comparison(id);
}

export function saveComparison(context: ControlContext, request: ServiceRequest<'playground.history.save'>): Promise<CallResponse<'playground.history.save'>> {
  return storeOf(context).saveComparison(request);
}

export async function deleteComparison(context: ControlContext, id: string): Promise<CallResponse<'playground.history.delete'>> {
  if (!(await storeOf(context).deleteComparison(id))) throw notFound(`no comparison '${id}' in the history`, 'id');
  return { deleted: true };
}

export async function vote(context: ControlContext, request: ServiceRequest<'playground.vote'>): Promise<CallResponse<'playground.vote'>> {
  await storeOf(context).vote({ ...request, winner: request.winner === 'tie' ? null : request.winner });
  return { recorded: true };
}

export async function leaderboard(context: ControlContext, request: ServiceRequest<'playground.leaderboard'>): Promise<CallResponse<'playground.leaderboard'>> {
  const store = storeOf(context);
  const [votes, tags] = await Promise.all([store.votes(request.taskTag), store.tags()]);
  const models = rateModels(votes).map((rating) => ({
    ...rating,
    rating: Math.round(rating.rating * 10) / 10,
    uncertainty: Math.round(rating.uncertainty * 10) / 10,
  }));
  return { taskTag: request.taskTag ?? null, tags, votes: votes.length, method: 'bradley-terry', models };
}
