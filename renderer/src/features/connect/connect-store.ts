// Connecting a tool: the tools the core knows, the one picked, what connecting it would paste or change (asked
// again when the model changes), what connecting did (files written, backups, the snippet with the tool's new
// token — shown once, never stored elsewhere) and the last check's answer. The Connect page and the first-run
// screen share it, so a tool connected in one shows as connected in the other.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ConnectApplyDto, ConnectCheckDto, ConnectPreviewDto, ConnectToolDto, ControlClient } from '../../../../shared/control/contract';
import { messageOf } from '../../control/control-error';
import { emptyResource, failedResource, latestOnly, loadingResource, readyResource, type Resource } from '../../app/resource';

export type CheckState = { readonly phase: 'running' } | { readonly phase: 'done'; readonly result: ConnectCheckDto };
export type ApplyState =
  { readonly phase: 'running' } | { readonly phase: 'done'; readonly result: ConnectApplyDto } | { readonly phase: 'failed'; readonly error: string };

export interface ConnectState {
  readonly tools: Resource<ConnectToolDto[]>;
  readonly selected: string | null;
  /** the model chosen for the selected tool; null: the tool's default, as the preview says */
  readonly model: string | null;
  readonly preview: Resource<ConnectPreviewDto>;
  readonly applied: Readonly<Record<string, ApplyState>>;
  readonly checks: Readonly<Record<string, CheckState>>;
  loadTools(): Promise<void>;
  select(tool: string): Promise<void>;
  setModel(model: string | null): Promise<void>;
  /** asks for the selected tool's preview again (after a failure) */
  reloadPreview(): Promise<void>;
  apply(): Promise<void>;
  check(tool: string): Promise<void>;
}

export type ConnectStore = StoreApi<ConnectState>;

export function createConnectStore(client: ControlClient): ConnectStore {
  const beginPreview = latestOnly();
  return createStore<ConnectState>()((set, get) => {
    const loadPreview = async (): Promise<void> => {
      const { selected, model } = get();
      if (selected === null) return;
      const isLatest = beginPreview();
      set({ preview: loadingResource(get().preview) });
      try {
        const preview = await client['connect.preview']({ tool: selected, ...(model === null ? {} : { model }) });
        if (isLatest()) set({ preview: readyResource(preview) });
      } catch (error) {
        if (isLatest()) set({ preview: failedResource(emptyResource(), error) });
      }
    };
    const loadTools = async (): Promise<void> => {
      set({ tools: loadingResource(get().tools) });
      try {
        set({ tools: readyResource(await client['connect.tools']({})) });
      } catch (error) {
        set({ tools: failedResource(get().tools, error) });
      }
    };
    const forget = (tool: string): void => {
      const { [tool]: _gone, ...rest } = get().applied;
      set({ applied: rest });
    };
    return {
      tools: emptyResource(),
      selected: null,
      model: null,
      preview: emptyResource(),
      applied: {},
      checks: {},
      loadTools,
      select: async (tool) => {
        if (get().selected === tool) return;
        set({ selected: tool, model: null, preview: emptyResource() });
        await loadPreview();
      },
      setModel: async (model) => {
        const tool = get().selected;
        if (tool === null || model === get().model) return;
        // a snippet made for the other model would now mislead
        forget(tool);
        set({ model });
        await loadPreview();
      },
      reloadPreview: loadPreview,
      apply: async () => {
        const { selected: tool, model } = get();
        if (tool === null) return;
        set({ applied: { ...get().applied, [tool]: { phase: 'running' } } });
        try {
          const result = await client['connect.apply']({ tool, ...(model === null ? {} : { model }) });
          set({ applied: { ...get().applied, [tool]: { phase: 'done', result } } });
          // "connected" and the diffs (now empty) changed
          void loadTools();
          if (get().selected === tool) void loadPreview();
        } catch (error) {
          set({ applied: { ...get().applied, [tool]: { phase: 'failed', error: messageOf(error) } } });
        }
      },
      check: async (tool) => {
        set({ checks: { ...get().checks, [tool]: { phase: 'running' } } });
        let result: ConnectCheckDto;
        try {
          result = await client['connect.check']({ tool });
        } catch (error) {
          result = { ok: false, answer: null, provider: null, model: null, latencyMs: 0, error: messageOf(error) };
        }
        set({ checks: { ...get().checks, [tool]: { phase: 'done', result } } });
      },
    };
  });
}
