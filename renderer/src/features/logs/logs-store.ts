// The request log: filters, the rows loaded so far (pages of 200 by cursor, newest first) and the detail of the
// selected request.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CallRequest, CallResponse, ControlClient, RequestRowDto } from '../../../../shared/control/contract';
import { emptyResource, failedResource, latestOnly, loadingResource, readyResource, type Resource } from '../../app/resource';
import { presetRange, type DateRange } from '../../time/date-range';

export type RequestStatus = RequestRowDto['status'];
export type RequestDetail = NonNullable<CallResponse<'usage.detail'>>;

export interface LogFilters {
  readonly range: DateRange;
  readonly status: RequestStatus | '';
  readonly providerId: string;
  readonly model: string;
  readonly clientTokenName: string;
}

export interface LogsState {
  readonly filters: LogFilters;
  readonly rows: Resource<RequestRowDto[]>;
  readonly nextCursor: CallResponse<'usage.log'>['nextCursor'];
  readonly loadingMore: boolean;
  readonly selectedId: string | null;
  readonly detail: Resource<RequestDetail | null>;
  setFilters(changes: Partial<LogFilters>): Promise<void>;
  refresh(): Promise<void>;
  loadMore(): Promise<void>;
  select(id: string | null): Promise<void>;
}

export type LogsStore = StoreApi<LogsState>;

export const logPageSize = 200;

function query(filters: LogFilters, cursor: CallResponse<'usage.log'>['nextCursor']): CallRequest<'usage.log'> {
  return {
    range: { from: filters.range.from, to: filters.range.to },
    limit: logPageSize,
    ...(filters.status === '' ? {} : { status: filters.status }),
    ...(filters.providerId.trim() === '' ? {} : { providerId: filters.providerId.trim() }),
    ...(filters.model.trim() === '' ? {} : { model: filters.model.trim() }),
    ...(filters.clientTokenName.trim() === '' ? {} : { clientTokenName: filters.clientTokenName.trim() }),
    ...(cursor === null ? {} : { cursor }),
  };
}

export function createLogsStore(client: ControlClient, now: () => number = Date.now): LogsStore {
  const beginList = latestOnly();
  const beginDetail = latestOnly();
  return createStore<LogsState>()((set, get) => ({
    filters: { range: presetRange('7d', now()), status: '', providerId: '', model: '', clientTokenName: '' },
    rows: emptyResource(),
    nextCursor: null,
    loadingMore: false,
    selectedId: null,
    detail: emptyResource(),
    setFilters: async (changes) => {
      set({ filters: { ...get().filters, ...changes } });
      await get().refresh();
    },
    refresh: async () => {
      const isLatest = beginList();
      const { filters } = get();
      const range = filters.range.preset === 'custom' ? filters.range : presetRange(filters.range.preset, now());
      set({ rows: loadingResource(get().rows), filters: { ...filters, range } });
      try {
        const page = await client['usage.log'](query(get().filters, null));
        if (isLatest()) set({ rows: readyResource(page.rows), nextCursor: page.nextCursor, loadingMore: false });
      } catch (error) {
        if (isLatest()) set({ rows: failedResource(get().rows, error) });
      }
    },
    loadMore: async () => {
      const { nextCursor, loadingMore, rows } = get();
      if (nextCursor === null || loadingMore || rows.data === undefined) return;
      const isLatest = beginList();
      set({ loadingMore: true });
      try {
        const page = await client['usage.log'](query(get().filters, nextCursor));
        if (isLatest()) set({ rows: readyResource([...(get().rows.data ?? []), ...page.rows]), nextCursor: page.nextCursor, loadingMore: false });
      } catch (error) {
        if (isLatest()) set({ rows: failedResource(get().rows, error), loadingMore: false });
      }
    },
    select: async (id) => {
      const isLatest = beginDetail();
      set({ selectedId: id, detail: id === null ? emptyResource() : loadingResource(emptyResource()) });
      if (id === null) return;
      try {
        const detail = await client['usage.detail']({ id });
        if (isLatest()) set({ detail: readyResource(detail) });
      } catch (error) {
        if (isLatest()) set({ detail: failedResource(get().detail, error) });
      }
    },
  }));
}
