// Between a comparison on screen and what is kept of it: the history record (text, per-turn facts and metrics; an
// attached image only as a flag), and the ledger row that confirms each answer's cost and final status.
import type { ControlClient, PlaygroundComparisonInput } from '../../../../shared/control/contract';
import type { ColumnMetrics, Comparison } from './playground-types';

const maximumTextLength = 400_000;

export function comparisonInput(comparison: Comparison): PlaygroundComparisonInput {
  return {
    id: comparison.id,
    taskTag: comparison.taskTag,
    systemPrompt: comparison.systemPrompt.slice(0, 20_000),
    parameters: comparison.parameters,
    blind: comparison.blind,
    columns: comparison.columns.map((column) => ({
      model: column.model,
      messages: column.messages
        .slice(-200)
        .map((message) => ({ role: message.role, content: message.content.slice(0, maximumTextLength), imageAttached: message.image !== undefined })),
      answers: column.answers.slice(-100).map((answer) => ({
        status: answer.status,
        error: answer.error === null ? null : answer.error.slice(0, 2_000),
        requestId: answer.requestId,
        providerId: answer.providerId,
        servedModel: answer.servedModel,
        attempts: answer.attempts === null ? null : answer.attempts.slice(0, 4_000),
        ttftMs: rounded(answer.metrics.ttftMs),
        tokensPerSecond: rounded(answer.metrics.tokensPerSecond),
        inputTokens: answer.metrics.inputTokens,
        outputTokens: answer.metrics.outputTokens,
        costUsd: answer.metrics.costUsd,
      })),
    })),
  };
}

function rounded(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

/**
 * Reads the answer's ledger row (written in batches within ~50 ms of the end) and takes its cost and status; the
 * stream's figures stay when the row cannot be read in time.
 */
export async function confirmFromLedger(
  client: ControlClient,
  requestId: string,
  metrics: ColumnMetrics,
  retryMs: number,
  attempts = 12,
): Promise<ColumnMetrics> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    try {
      const detail = await client['usage.detail']({ id: requestId });
      if (detail !== null && detail.request.finishedAt !== null) {
        const row = detail.request;
        return {
          ...metrics,
          inputTokens: metrics.inputTokens ?? row.inputTokens,
          outputTokens: metrics.outputTokens ?? row.outputTokens,
          costUsd: row.costUsd,
          costSource: row.costUsd === null ? null : 'ledger',
          ledgerStatus: row.status,
        };
      }
    } catch {
      return metrics; // the figures from the stream stand
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
  return metrics;
}
