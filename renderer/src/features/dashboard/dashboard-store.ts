// Everything the dashboard shows for the chosen date range, loaded together; plus today's and this month's spend
// against the budgets, which do not depend on the range.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CallResponse, ControlClient, UsageTotalsDto } from '../../../../shared/control/contract';
import { emptyResource, failedResource, latestOnly, loadingResource, readyResource, type Resource } from '../../app/resource';
import { bucketFor, presetRange, startOfMonth, utcOffsetMinutes, viewerTimeZone, type DateRange } from '../../time/date-range';

export interface DashboardData {
  readonly range: DateRange;
  readonly bucket: 'hour' | 'day';
  readonly totals: UsageTotalsDto;
  readonly series: CallResponse<'usage.series'>;
  readonly byModel: CallResponse<'usage.breakdown'>;
  readonly byClient: CallResponse<'usage.breakdown'>;
  readonly latency: CallResponse<'usage.latency'>;
  readonly firstToken: CallResponse<'usage.latency'>;
  readonly errors: CallResponse<'usage.errors'>;
  /** the privacy guard's detectors and the response cache's hits in the range */
  readonly guard: CallResponse<'usage.guard'>;
}

export interface SpendData {
  readonly today: UsageTotalsDto;
  readonly month: UsageTotalsDto;
  readonly budgets: CallResponse<'budgets.get'>;
}

export interface DashboardState {
  readonly range: DateRange;
  readonly data: Resource<DashboardData>;
  readonly spend: Resource<SpendData>;
  setRange(range: DateRange): Promise<void>;
  refresh(): Promise<void>;
}

export type DashboardStore = StoreApi<DashboardState>;

export function createDashboardStore(client: ControlClient, now: () => number = Date.now): DashboardStore {
  const beginData = latestOnly();
  const beginSpend = latestOnly();

  const loadData = async (range: DateRange): Promise<DashboardData> => {
    const span = { from: range.from, to: range.to };
    const bucket = bucketFor(range);
    const [totals, series, byModel, byClient, latency, firstToken, errors, guard] = await Promise.all([
      client['usage.totals']({ range: span }),
      client['usage.series']({ range: span, bucket, utcOffsetMinutes: utcOffsetMinutes(range.from), timeZone: viewerTimeZone() }),
      client['usage.breakdown']({ range: span, by: 'model', limit: 8, orderBy: 'cost' }),
      client['usage.breakdown']({ range: span, by: 'client', limit: 8, orderBy: 'requests' }),
      client['usage.latency']({ range: span, metric: 'latency' }),
      client['usage.latency']({ range: span, metric: 'ttft' }),
      client['usage.errors']({ range: span }),
      client['usage.guard']({ range: span }),
    ]);
    return { range, bucket, totals, series, byModel, byClient, latency, firstToken, errors, guard };
  };

  const loadSpend = async (): Promise<SpendData> => {
    const today = presetRange('today', now());
    const [todayTotals, month, budgets] = await Promise.all([
      client['usage.totals']({ range: { from: today.from, to: today.to } }),
      client['usage.totals']({ range: { from: startOfMonth(now()), to: today.to } }),
      client['budgets.get']({}),
    ]);
    return { today: todayTotals, month, budgets };
  };

  return createStore<DashboardState>()((set, get) => {
    const refreshData = async (): Promise<void> => {
      const isLatest = beginData();
      set({ data: loadingResource(get().data) });
      try {
        const data = await loadData(get().range);
        if (isLatest()) set({ data: readyResource(data) });
      } catch (error) {
        if (isLatest()) set({ data: failedResource(get().data, error) });
      }
    };
    const refreshSpend = async (): Promise<void> => {
      const isLatest = beginSpend();
      set({ spend: loadingResource(get().spend) });
      try {
        const spend = await loadSpend();
        if (isLatest()) set({ spend: readyResource(spend) });
      } catch (error) {
        if (isLatest()) set({ spend: failedResource(get().spend, error) });
      }
    };
    return {
      range: presetRange('today', now()),
      data: emptyResource(),
      spend: emptyResource(),
      setRange: async (range) => {
        set({ range });
        await refreshData();
      },
      refresh: async () => {
        // a preset range moves with the clock (a dashboard left open over midnight shows the new day)
        const { range } = get();
        if (range.preset !== 'custom') set({ range: presetRange(range.preset, now()) });
        await Promise.all([refreshData(), refreshSpend()]);
      },
    };
  });
}
