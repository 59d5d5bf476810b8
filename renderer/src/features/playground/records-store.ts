// What the playground keeps and reads around a comparison: saved sets, the history, the leaderboard for a task tag,
// the routes a winner can be promoted to, and promoting it. (The model names to pick from are the shared model
// catalog's: features/models.)
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  ControlClient,
  LeaderboardDto,
  PlaygroundComparisonDto,
  PlaygroundComparisonSummaryDto,
  PlaygroundSetDto,
  PlaygroundSetInput,
  RouteDto,
} from '../../../../shared/control/contract';
import { emptyResource, failedResource, latestOnly, loadingResource, readyResource, type Resource } from '../../app/resource';
import { promotedRoute } from './promote';

export interface RecordsState {
  readonly sets: Resource<PlaygroundSetDto[]>;
  readonly history: Resource<PlaygroundComparisonSummaryDto[]>;
  readonly leaderboard: Resource<LeaderboardDto>;
  /** the tag the leaderboard shows; null for every vote */
  readonly leaderboardTag: string | null;
  readonly routes: RouteDto[];
  refresh(): Promise<void>;
  refreshHistory(): Promise<void>;
  showLeaderboard(tag: string | null): Promise<void>;
  saveSet(input: PlaygroundSetInput): Promise<void>;
  deleteSet(name: string): Promise<void>;
  openComparison(id: string): Promise<PlaygroundComparisonDto | null>;
  deleteComparison(id: string): Promise<void>;
  /** new alias, or the winner put first in an existing one; resolves with the saved route */
  promote(routeName: string, winner: string): Promise<RouteDto>;
}

export type RecordsStore = StoreApi<RecordsState>;

export function createRecordsStore(client: ControlClient): RecordsStore {
  const beginLeaderboard = latestOnly();
  return createStore<RecordsState>()((set, get) => {
    const loadSets = async (): Promise<void> => {
      set({ sets: loadingResource(get().sets) });
      try {
        set({ sets: readyResource(await client['playground.sets.list']({})) });
      } catch (error) {
        set({ sets: failedResource(get().sets, error) });
      }
    };
    const loadHistory = async (): Promise<void> => {
      set({ history: loadingResource(get().history) });
      try {
        set({ history: readyResource(await client['playground.history.list']({})) });
      } catch (error) {
        set({ history: failedResource(get().history, error) });
      }
    };
    const showLeaderboard = async (tag: string | null): Promise<void> => {
      const isLatest = beginLeaderboard();
      set({ leaderboardTag: tag, leaderboard: loadingResource(get().leaderboard) });
      try {
        const board = await client['playground.leaderboard'](tag === null ? {} : { taskTag: tag });
        if (isLatest()) set({ leaderboard: readyResource(board) });
      } catch (error) {
        if (isLatest()) set({ leaderboard: failedResource(get().leaderboard, error) });
      }
    };
    const loadRoutes = async (): Promise<void> => {
      try {
        set({ routes: await client['routes.list']({}) });
      } catch {
        // the promote dialog asks again when it saves
      }
    };
    return {
      sets: emptyResource(),
      history: emptyResource(),
      leaderboard: emptyResource(),
      leaderboardTag: null,
      routes: [],
      refresh: async () => {
        await Promise.all([loadSets(), loadHistory(), showLeaderboard(get().leaderboardTag), loadRoutes()]);
      },
      refreshHistory: loadHistory,
      showLeaderboard,
      saveSet: async (input) => {
        await client['playground.sets.save'](input);
        await loadSets();
      },
      deleteSet: async (name) => {
        await client['playground.sets.delete']({ name });
        set({ sets: readyResource((get().sets.data ?? []).filter((entry) => entry.name !== name)) });
      },
      openComparison: (id) => client['playground.history.get']({ id }),
      deleteComparison: async (id) => {
        await client['playground.history.delete']({ id });
        set({ history: readyResource((get().history.data ?? []).filter((entry) => entry.id !== id)) });
      },
      promote: async (routeName, winner) => {
        const routes = await client['routes.list']({});
        const saved = await client['routes.save'](
          promotedRoute(
            routeName,
            winner,
            routes.find((route) => route.name === routeName),
          ),
        );
        set({ routes: [...routes.filter((route) => route.name !== saved.name), saved] });
        return saved;
      },
    };
  });
}
