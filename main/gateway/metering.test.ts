// RequestMeter's side of body capture: the request's head is kept only while capture is on, the answer is handed
// over once, and an answer's text is never built while capture is off.
import { describe, expect, it } from 'vitest';
import type { PendingCapture } from '../ledger/capture-queue.js';
import type { RequestFinish } from '../ledger/types.js';
import { RequestMeter, type CaptureRecorder, type Metering, type MeterStart } from './metering.js';

function metering(maxBytes: number | undefined): { metering: Metering; recorded: PendingCapture[]; capture: { maxBytes: number | undefined } } {
  const recorded: PendingCapture[] = [];
  const capture: CaptureRecorder & { maxBytes: number | undefined } = { maxBytes, record: (entry) => recorded.push(entry) };
  return {
    metering: { recorder: { begin: () => undefined, finish: () => undefined }, costing: { cost: () => ({ costUsd: null, referenceUsd: null }) }, capture },
    recorded,
    capture,
  };
}

const start = (requestBody?: Buffer): MeterStart => ({
  endpoint: 'chat',
  clientName: 'default',
  userAgent: undefined,
  requestedModel: 'm',
  route: null,
  stream: false,
  startedAt: performance.now(),
  estimatedInputTokens: () => 1,
  ...(requestBody ? { requestBody } : {}),
});

describe('RequestMeter capture', () => {
  it('keeps the head of the request body and hands the answer over once, under the request id', () => {
    const { metering: setup, recorded } = metering(8);
    const meter = new RequestMeter(setup, start(Buffer.from('{"model":"m","messages":[]}')));
    expect(meter.capturing).toBe(true);
    meter.captureAnswer(Buffer.from('the answer'));
    meter.captureAnswer('a second answer');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ requestId: meter.id, request: { totalBytes: 27 }, response: { totalBytes: 10 } });
    expect(recorded[0]?.request.head.toString()).toBe('{"model"');
  });

  it('does nothing while capture is off, and never builds the answer text', () => {
    const { metering: setup, recorded } = metering(undefined);
    const meter = new RequestMeter(setup, start(Buffer.from('{}')));
    expect(meter.capturing).toBe(false);
    meter.captureAnswer(() => {
      throw new Error('built while off');
    });
    expect(recorded).toEqual([]);
  });

  it('drops the capture when capture was switched off while the request ran', () => {
    const { metering: setup, recorded, capture } = metering(100);
    const meter = new RequestMeter(setup, start(Buffer.from('{}')));
    capture.maxBytes = undefined;
    meter.captureAnswer('late');
    expect(recorded).toEqual([]);
  });
});

describe('RequestMeter finish', () => {
  it('times the request to when its answer ended, when that came before finish (a stream metered after its clean-up)', () => {
    const finished: RequestFinish[] = [];
    const setup: Metering = {
      recorder: { begin: () => undefined, finish: (record) => finished.push(record) },
      costing: { cost: () => ({ costUsd: null, referenceUsd: null }) },
    };
    const meterStart = { ...start(), startedAt: 1_000 }; // a whole number, so startedAt + 42 - startedAt is exactly 42
    const meter = new RequestMeter(setup, meterStart);
    meter.finish({ status: 'ok', providerId: 'p', model: 'm', endedAt: meterStart.startedAt + 42 });
    expect(finished[0]?.latencyMs).toBe(42);
    const untimed = new RequestMeter(setup, { ...meterStart, startedAt: performance.now() - 5 });
    untimed.finish({ status: 'ok', providerId: 'p', model: 'm' });
    expect(finished[1]?.latencyMs).toBeGreaterThanOrEqual(5);
  });
});
