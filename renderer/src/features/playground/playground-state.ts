// The comparison in progress: the draft being set up, and the columns of the one being run — each its own
// conversation streamed from the gateway, stoppable on its own, with its metrics, then the ledger row's exact cost.
// When every column has settled the turn is kept in the history (if the user said so) and can be voted on.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ControlClient, PlaygroundComparisonDto } from '../../../../shared/control/contract';
import { messageOf } from '../../control/control-error';
import { chatRequestBody } from './chat-request';
import { comparisonInput, confirmFromLedger } from './comparison-records';
import { newTiming, noteText, streamMetrics } from './metrics';
import { emptyMetrics, isRunning, type ColumnMessage, type ColumnState, type Comparison, type PlaygroundDraft } from './playground-types';
import { runChatStream, type GatewayFetch, type StreamUsage } from './stream/chat-stream';

export interface PlaygroundState {
  readonly draft: PlaygroundDraft;
  readonly comparison: Comparison | null;
  /** blind columns stay anonymous until the vote */
  readonly revealed: boolean;
  /** a line about the last save or vote ("Kept in the history"), or a failure of one */
  readonly notice: string | null;
  update(changes: Partial<PlaygroundDraft>): void;
  /** starts a new comparison from the draft (stopping one still running) */
  run(): void;
  /** the next prompt, in every column, each with its own history */
  followUp(prompt: string): void;
  /** one column's last answer replaces the last answer in every column's history */
  carryForward(columnKey: string): void;
  stop(columnKey: string): void;
  stopAll(): void;
  /** a column key or 'tie'; reveals blind columns */
  vote(winner: string): Promise<void>;
  /** opens a kept comparison (answers as they were; follow-ups continue it) */
  open(comparison: PlaygroundComparisonDto): void;
}

export type PlaygroundStore = StoreApi<PlaygroundState>;

export interface PlaygroundDependencies {
  readonly client: ControlClient;
  readonly gateway: GatewayFetch;
  /** performance.now() */
  readonly clock?: () => number;
  /** Math.random(), for the blind shuffle */
  readonly random?: () => number;
  readonly newId?: () => string;
  /** how long to wait between reads of a ledger row not yet written (tests shorten it) */
  readonly ledgerRetryMs?: number;
}

export const initialDraft: PlaygroundDraft = {
  models: [],
  systemPrompt: '',
  prompt: '',
  parameters: { temperature: null, maxTokens: null, topP: null },
  image: null,
  taskTag: 'general',
  blind: false,
  keepHistory: true,
};

export function createPlaygroundStore(dependencies: PlaygroundDependencies): PlaygroundStore {
  const clock = dependencies.clock ?? (() => performance.now());
  const random = dependencies.random ?? Math.random;
  const newId = dependencies.newId ?? (() => crypto.randomUUID());
  const controllers = new Map<string, AbortController>();

  return createStore<PlaygroundState>()((set, get) => {
    /** Changes one column of the comparison `id`, if that comparison is still the one shown. */
    const patch = (id: string, key: string, change: (column: ColumnState) => Partial<ColumnState>): void => {
      const comparison = get().comparison;
      if (comparison?.id !== id) return;
      set({ comparison: { ...comparison, columns: comparison.columns.map((column) => (column.key === key ? { ...column, ...change(column) } : column)) } });
    };

    const runColumn = async (id: string, column: ColumnState, comparison: Comparison): Promise<void> => {
      const controller = new AbortController();
      const handle = `${id}:${column.key}`;
      controllers.set(handle, controller);
      const timing = newTiming(clock());
      let usage: StreamUsage | null = null;
      let text = '';
      patch(id, column.key, () => ({ phase: 'waiting', answer: '', error: null, routing: null, metrics: emptyMetrics }));
      const body = chatRequestBody(column.model, comparison.systemPrompt, comparison.parameters, column.messages);
      const outcome = await runChatStream(dependencies.gateway, body, controller.signal, {
        onOpen: (routing) => patch(id, column.key, () => ({ routing })),
        onText: (piece) => {
          text += piece;
          noteText(timing, clock());
          patch(id, column.key, () => ({ phase: 'streaming', answer: text, metrics: streamMetrics(timing, usage) }));
        },
        onUsage: (reported) => {
          usage = reported;
          patch(id, column.key, () => ({ metrics: streamMetrics(timing, usage) }));
        },
      });
      if (controllers.get(handle) === controller) controllers.delete(handle);
      const metrics = streamMetrics(timing, usage);
      const status = outcome.status;
      const error = outcome.status === 'error' ? outcome.message : null;
      patch(id, column.key, (current) => ({
        phase: status === 'ok' ? 'done' : status === 'cancelled' ? 'stopped' : 'error',
        error,
        metrics,
        messages: [...current.messages, { role: 'assistant', content: text }],
        answers: [
          ...current.answers,
          {
            status,
            error,
            metrics,
            requestId: current.routing?.requestId ?? null,
            providerId: current.routing?.providerId ?? null,
            servedModel: current.routing?.servedModel ?? null,
            attempts: current.routing?.attempts ?? null,
          },
        ],
      }));
      const requestId = get().comparison?.columns.find((candidate) => candidate.key === column.key)?.routing?.requestId;
      if (requestId) {
        const confirmed = await confirmFromLedger(dependencies.client, requestId, metrics, dependencies.ledgerRetryMs ?? 150);
        patch(id, column.key, (current) => ({
          metrics: confirmed,
          answers: current.answers.map((answer, index) => (index === current.answers.length - 1 ? { ...answer, metrics: confirmed } : answer)),
        }));
      }
    };

    /** Runs one turn in every column, then keeps it in the history when asked to. */
    const runTurn = async (comparison: Comparison): Promise<void> => {
      await Promise.all(comparison.columns.map((column) => runColumn(comparison.id, column, comparison)));
      const current = get().comparison;
      if (current?.id !== comparison.id) return;
      // kept first, so a vote (offered once the turn counts as finished) always finds the comparison in the history
      let notice: string | null = null;
      if (current.keepHistory) {
        try {
          await dependencies.client['playground.history.save'](comparisonInput(current));
          notice = 'Kept in the history.';
        } catch (error) {
          notice = `Could not keep it in the history: ${messageOf(error)}`;
        }
      }
      const latest = get().comparison;
      if (latest?.id === comparison.id) set({ comparison: { ...latest, turn: latest.turn + 1 }, notice });
    };

    const stopAll = (): void => {
      for (const controller of controllers.values()) controller.abort();
    };

    return {
      draft: initialDraft,
      comparison: null,
      revealed: true,
      notice: null,
      update: (changes) => set({ draft: { ...get().draft, ...changes } }),
      run: () => {
        const { draft } = get();
        stopAll();
        const firstTurn: ColumnMessage = { role: 'user', content: draft.prompt, ...(draft.image ? { image: draft.image } : {}) };
        const columns: ColumnState[] = draft.models.map((model, position) => ({
          key: `column-${position}`,
          model,
          messages: [firstTurn],
          answer: '',
          phase: 'idle',
          error: null,
          routing: null,
          metrics: emptyMetrics,
          answers: [],
        }));
        const comparison: Comparison = {
          id: newId(),
          taskTag: draft.taskTag.trim() || 'general',
          systemPrompt: draft.systemPrompt,
          parameters: draft.parameters,
          blind: draft.blind,
          keepHistory: draft.keepHistory,
          columns: draft.blind ? shuffled(columns, random) : columns,
          turn: 0,
          vote: null,
        };
        set({ comparison, revealed: !draft.blind, notice: null });
        void runTurn(comparison);
      },
      followUp: (prompt) => {
        const current = get().comparison;
        if (!current || current.columns.some(isRunning) || prompt.trim() === '') return;
        const next: Comparison = {
          ...current,
          vote: null,
          columns: current.columns.map((column) => ({ ...column, messages: [...column.messages, { role: 'user', content: prompt }] })),
        };
        set({ comparison: next, notice: null });
        void runTurn(next);
      },
      carryForward: (columnKey) => {
        const current = get().comparison;
        if (!current || current.columns.some(isRunning)) return;
        const chosen = current.columns.find((column) => column.key === columnKey)?.messages.at(-1);
        if (chosen?.role !== 'assistant') return;
        const columns = current.columns.map((column) => {
          const last = column.messages.at(-1);
          return last?.role === 'assistant'
            ? { ...column, messages: [...column.messages.slice(0, -1), { role: 'assistant' as const, content: chosen.content }] }
            : column;
        });
        set({ comparison: { ...current, columns }, notice: 'That answer now continues every column’s conversation.' });
      },
      stop: (columnKey) => controllers.get(`${get().comparison?.id ?? ''}:${columnKey}`)?.abort(),
      stopAll,
      vote: async (winner) => {
        const current = get().comparison;
        if (!current || current.turn === 0 || current.columns.some(isRunning)) return;
        const winnerModel = winner === 'tie' ? 'tie' : current.columns.find((column) => column.key === winner)?.model;
        if (winnerModel === undefined) return;
        try {
          await dependencies.client['playground.vote']({
            comparisonId: current.id,
            turn: current.turn - 1,
            taskTag: current.taskTag,
            models: current.columns.map((column) => column.model),
            winner: winnerModel,
          });
          set({ comparison: { ...current, vote: winner }, revealed: true, notice: winner === 'tie' ? 'Recorded a tie.' : 'Vote recorded.' });
        } catch (error) {
          set({ notice: `Could not record the vote: ${messageOf(error)}` });
        }
      },
      open: (stored) => {
        stopAll();
        set({ comparison: comparisonFromRecord(stored), revealed: true, notice: null });
      },
    };
  });
}

/** Fisher–Yates, so every order is equally likely. */
function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const result = [...items];
  for (let index = result.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}

function comparisonFromRecord(stored: PlaygroundComparisonDto): Comparison {
  const columns: ColumnState[] = stored.columns.map((column, position) => {
    const answers = column.answers.map(({ status, error, requestId, providerId, servedModel, attempts, ...figures }) => ({
      status,
      error,
      requestId,
      providerId,
      servedModel,
      attempts,
      metrics: { ...figures, costSource: figures.costUsd === null ? null : ('ledger' as const), ledgerStatus: null },
    }));
    const last = answers.at(-1);
    return {
      key: `column-${position}`,
      model: column.model,
      messages: column.messages.map((message) => ({ role: message.role, content: message.content })),
      answer: column.messages.at(-1)?.role === 'assistant' ? (column.messages.at(-1)?.content ?? '') : '',
      phase: last === undefined ? 'idle' : last.status === 'ok' ? 'done' : last.status === 'cancelled' ? 'stopped' : 'error',
      error: last?.error ?? null,
      routing: last ? { requestId: last.requestId, providerId: last.providerId, servedModel: last.servedModel, attempts: last.attempts } : null,
      metrics: last?.metrics ?? emptyMetrics,
      answers,
    };
  });
  return {
    id: stored.id,
    taskTag: stored.taskTag,
    systemPrompt: stored.systemPrompt,
    parameters: stored.parameters,
    blind: stored.blind,
    keepHistory: true,
    columns,
    turn: Math.max(0, ...columns.map((column) => column.answers.length)),
    vote: null,
  };
}
