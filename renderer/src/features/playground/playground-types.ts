// The playground's shapes on the renderer side: the comparison being set up (the draft), and each column's own
// conversation, live answer and metrics.
import type { PlaygroundParametersDto } from '../../../../shared/control/contract';
import type { RoutingFacts } from './stream/chat-stream';

export const minimumModels = 2;
export const maximumModels = 6;
/** An attached image travels inside the JSON body as a data: URL; the gateway's own cap is far above this. */
export const maximumImageBytes = 4 * 1024 * 1024;

export interface AttachedImage {
  readonly name: string;
  readonly bytes: number;
  /** data:image/…;base64,… */
  readonly dataUrl: string;
}

export interface PlaygroundDraft {
  readonly models: readonly string[];
  readonly systemPrompt: string;
  readonly prompt: string;
  readonly parameters: PlaygroundParametersDto;
  readonly image: AttachedImage | null;
  readonly taskTag: string;
  readonly blind: boolean;
  /** keep the comparison (prompts and answers) in the playground history */
  readonly keepHistory: boolean;
}

export interface ColumnMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string;
  /** user turns only: the image sent with it (kept in memory for follow-ups, not in the history) */
  readonly image?: AttachedImage;
}

export type ColumnPhase = 'idle' | 'waiting' | 'streaming' | 'done' | 'stopped' | 'error';

export interface ColumnMetrics {
  readonly ttftMs: number | null;
  readonly tokensPerSecond: number | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly costUsd: number | null;
  /** where the cost comes from: the stream's usage chunk, then the ledger row once it is written */
  readonly costSource: 'stream' | 'ledger' | null;
  /** the ledger row's status (ok, error, cancelled) once read */
  readonly ledgerStatus: string | null;
}

export const emptyMetrics: ColumnMetrics = {
  ttftMs: null,
  tokensPerSecond: null,
  inputTokens: null,
  outputTokens: null,
  costUsd: null,
  costSource: null,
  ledgerStatus: null,
};

/** A finished turn of one column, as the history keeps it. */
export interface AnswerRecord extends RoutingFacts {
  readonly status: 'ok' | 'error' | 'cancelled';
  readonly error: string | null;
  readonly metrics: ColumnMetrics;
}

export interface ColumnState {
  /** stable React key and the handle for stop/carry/vote */
  readonly key: string;
  /** what the column asks the gateway for: provider/model or a route alias */
  readonly model: string;
  /** its own conversation: every finished turn, user and assistant */
  readonly messages: readonly ColumnMessage[];
  /** the answer of the turn in progress (or the last one) */
  readonly answer: string;
  readonly phase: ColumnPhase;
  readonly error: string | null;
  readonly routing: RoutingFacts | null;
  readonly metrics: ColumnMetrics;
  /** every finished turn's facts, in order */
  readonly answers: readonly AnswerRecord[];
}

export interface Comparison {
  readonly id: string;
  readonly taskTag: string;
  readonly systemPrompt: string;
  readonly parameters: PlaygroundParametersDto;
  readonly blind: boolean;
  readonly keepHistory: boolean;
  /** in the order shown (shuffled when blind) */
  readonly columns: readonly ColumnState[];
  /** turns completed in every column */
  readonly turn: number;
  /** the vote on the current turn: a column key, 'tie', or null */
  readonly vote: string | null;
}

export function isRunning(column: ColumnState): boolean {
  return column.phase === 'waiting' || column.phase === 'streaming';
}

/** "Model A" … "Model F" for blind columns */
export function blindLabel(position: number): string {
  return `Model ${String.fromCharCode(65 + position)}`;
}
