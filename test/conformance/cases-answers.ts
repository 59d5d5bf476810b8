// Conformance cases for successful answers: text, streamed text through the first-chunk gate, tool calls whole and
// streamed, tool results in the provider's own format, the key header, and the capability lists (images, audio, JSON).
import { expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../shared/openai-types.js';
import { isContentChunk, openGate } from '../../main/gateway/streaming/gate.js';
import type { ProviderAdapter, StreamPart } from '../../main/gateway/providers/types.js';
import {
  jsonSchemaFormat,
  pngDataUrl,
  remoteImageUrl,
  wavBase64,
  type AdapterOverrides,
  type Capabilities,
  type InputCase,
  type ProviderHarness,
} from './harness.js';
import { chatCall, chunksOf, collect, completeOf, contentOf, drain, rejectionOf, streamOf, terminalOf, within } from './support.js';

export interface SuiteContext {
  readonly harness: ProviderHarness;
  /** the adapter built once for this provider */
  adapter(): ProviderAdapter;
  /** a further adapter (another key, short timeouts), closed after the provider's cases */
  extraAdapter(overrides: AdapterOverrides): ProviderAdapter;
}

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const timeTool = {
  type: 'function',
  function: {
    name: 'get_time',
    description: 'Local time in a time zone',
    parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
  },
};
const toolArguments = { city: 'Paris', unit: 'celsius', days: 3 };

export function answerCases(context: SuiteContext): void {
  const { harness } = context;

  it('plain text: content, finish_reason stop, the exact usage reported, the model', async () => {
    harness.replyText('The quick brown fox jumps.', { input: 23, output: 7 });
    const response = completeOf(await context.adapter().chat(chatCall(harness, {})));
    expect(response.object).toBe('chat.completion');
    expect(response.model).toBe(harness.model);
    expect(response.choices).toHaveLength(1);
    expect(response.choices[0]?.message.role).toBe('assistant');
    expect(response.choices[0]?.message.content).toBe('The quick brown fox jumps.');
    expect(response.choices[0]?.finish_reason).toBe('stop');
    expect(response.usage).toMatchObject({ prompt_tokens: 23, completion_tokens: 7, total_tokens: 30 });
  });

  it('streamed text: role chunk first, deltas that make the text, a finish chunk, exact usage, then done; the gate opens on the first content', async () => {
    harness.replyText('The quick brown fox jumps.', { input: 31, output: 9 });
    const gate = await within(5_000, openGate(streamOf(await context.adapter().chat(chatCall(harness, { stream: true })))), 'the gate');
    if (gate.kind !== 'open') throw new Error(`the gate failed: ${gate.error.message}`);
    const gateHead = chunksOf(gate.head);
    expect(gate.head.every((part) => part.type === 'chunk')).toBe(true);
    expect(gateHead.slice(0, -1).some(isContentChunk), 'the gate opened on the first content chunk, not later').toBe(false);
    expect(isContentChunk(gateHead.at(-1) as ChatCompletionChunk)).toBe(true);
    const parts: StreamPart[] = [...gate.head, ...(await drain(gate.rest))];

    expect(terminalOf(parts).type).toBe('done');
    const chunks = chunksOf(parts);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    for (const chunk of chunks) {
      expect(chunk.object).toBe('chat.completion.chunk');
      expect(chunk.model).toBe(harness.model);
    }
    expect(new Set(chunks.map((chunk) => chunk.id)).size, 'one id for the whole stream').toBe(1);
    expect(contentOf(parts)).toBe('The quick brown fox jumps.');
    expect(chunks.filter((chunk) => (chunk.choices[0]?.delta.content ?? '') !== '').length, 'the text arrives in several deltas').toBeGreaterThan(1);
    const finishes = chunks.flatMap((chunk, position) =>
      chunk.choices.filter((choice) => choice.finish_reason !== null).map((choice) => ({ position, reason: choice.finish_reason })),
    );
    expect(finishes.map((finish) => finish.reason)).toEqual(['stop']);
    const usages = chunks.flatMap((chunk, position) => (chunk.usage ? [{ position, usage: chunk.usage }] : []));
    expect(usages).toHaveLength(1);
    expect(usages[0]?.usage).toMatchObject({ prompt_tokens: 31, completion_tokens: 9, total_tokens: 40 });
    expect(usages[0]?.position, 'usage comes after the finish chunk').toBeGreaterThanOrEqual(finishes[0]?.position ?? Number.POSITIVE_INFINITY);
  });

  it(`sends the key in ${harness.keyHeader.name} only, never in the URL or another header`, async () => {
    harness.replyText('ok', { input: 1, output: 1 });
    await context.adapter().chat(chatCall(harness, {}));
    const upstream = harness.lastUpstream();
    expect(upstream.headers[harness.keyHeader.name]).toBe(harness.keyHeader.value(harness.apiKey));
    expect(upstream.path).not.toContain(harness.apiKey);
    const others = Object.entries(upstream.headers).filter(([name, value]) => name !== harness.keyHeader.name && String(value).includes(harness.apiKey));
    expect(others.map(([name]) => name)).toEqual([]);
  });

  it('tool call (non-stream): finish_reason tool_calls, the name and JSON arguments', async () => {
    harness.replyToolCall('get_weather', toolArguments);
    const response = completeOf(await context.adapter().chat(chatCall(harness, { tools: [weatherTool] })));
    const choice = response.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    expect(call?.id).toMatch(/\S/);
    expect(call?.function.name).toBe('get_weather');
    expect(JSON.parse(call?.function.arguments ?? 'null')).toEqual(toolArguments);
  });

  it('tool call (stream): deltas with index, id and name first, arguments that concatenate to the JSON', async () => {
    harness.replyToolCall('get_weather', toolArguments);
    const parts = await collect(streamOf(await context.adapter().chat(chatCall(harness, { tools: [weatherTool], stream: true }))));
    expect(terminalOf(parts).type).toBe('done');
    const deltas = chunksOf(parts).flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.every((delta) => delta.index === 0)).toBe(true);
    expect(deltas[0]?.id).toMatch(/\S/);
    expect(deltas[0]?.function?.name).toBe('get_weather');
    expect(deltas.slice(1).every((delta) => delta.id === undefined || delta.id === deltas[0]?.id)).toBe(true);
    const argumentsText = deltas.map((delta) => delta.function?.arguments ?? '').join('');
    expect(JSON.parse(argumentsText)).toEqual(toolArguments);
    const reasons = chunksOf(parts).flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason).filter((reason) => reason !== null));
    expect(reasons).toEqual(['tool_calls']);
  });

  it("multi-turn: each tool result reaches the upstream bound to its own call, in the provider's format", async () => {
    harness.replyText('Sunny in Paris; 09:30 in Tokyo.', { input: 60, output: 9 });
    const calls = [
      { id: 'call_weather_1', name: 'get_weather', arguments: { city: 'Paris' }, result: 'sunny, 18°C' },
      { id: 'call_time_2', name: 'get_time', arguments: { zone: 'Asia/Tokyo' }, result: '09:30 JST' },
    ];
    const messages = [
      { role: 'user', content: 'Weather in Paris, and the time in Tokyo?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } })),
      },
      // answered in the opposite order to the calls: the binding must follow the ids, not the positions
      ...[...calls].reverse().map((call) => ({ role: 'tool', tool_call_id: call.id, content: call.result })),
    ];
    const response = completeOf(await context.adapter().chat(chatCall(harness, { messages, tools: [weatherTool, timeTool] })));
    expect(response.choices[0]?.message.content).toBe('Sunny in Paris; 09:30 in Tokyo.');
    const results = harness.toolResults(harness.lastUpstream().body);
    expect(results).toHaveLength(2);
    for (const call of calls) {
      const result = results.find((candidate) => candidate.content === call.result);
      expect(result, `the result of ${call.name} upstream`).toBeDefined();
      expect(result?.callId ?? result?.toolName, 'bound by id or by name').toBeDefined();
      if (result?.callId !== undefined) expect(result.callId).toBe(call.id);
      if (result?.toolName !== undefined) expect(result.toolName).toBe(call.name);
    }
  });
}

type InputCapability = Exclude<keyof Capabilities, 'json'>;

const inputParts: Record<InputCapability, Record<string, unknown>> = {
  images: { type: 'image_url', image_url: { url: pngDataUrl } },
  remoteImages: { type: 'image_url', image_url: { url: remoteImageUrl } },
  audio: { type: 'input_audio', input_audio: { data: wavBase64, format: 'wav' } },
};

function inputRequest(capability: InputCapability): Record<string, unknown> {
  return { messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this?' }, inputParts[capability]] }] };
}

export function capabilityCases(context: SuiteContext): void {
  const { harness } = context;
  for (const capability of ['images', 'remoteImages', 'audio'] as const) {
    const cases: readonly InputCase[] = harness.capabilities[capability];
    for (const inputCase of cases) {
      it(`${capability}: ${inputCase.name}`, async () => {
        harness.replyText('A small picture.', { input: 300, output: 4 });
        const response = completeOf(
          await context.adapter().chat(chatCall(harness, inputRequest(capability), inputCase.model ? { model: inputCase.model } : {})),
        );
        expect(response.choices[0]?.message.content).toBe('A small picture.');
        expect(inputCase.extract(harness.lastUpstream().body)).toEqual(inputCase.expected);
      });
    }
    if (cases.length === 0) {
      it(`${capability}: no cases (the provider lacks it), so the adapter refuses the part itself: bad_request, no upstream call`, async () => {
        const before = harness.requestCount();
        const error = await rejectionOf(context.adapter().chat(chatCall(harness, inputRequest(capability))));
        expect(error.errorClass).toBe('bad_request');
        expect(error.retryable).toBe(false);
        expect(harness.requestCount()).toBe(before);
      });
    }
  }

  for (const jsonCase of harness.capabilities.json) {
    it(`json: ${jsonCase.name}`, async () => {
      jsonCase.prepare?.();
      const format = jsonCase.format === 'json_schema' ? jsonSchemaFormat : { type: 'json_object' };
      const response = completeOf(
        await context.adapter().chat(chatCall(harness, { response_format: format }, jsonCase.model ? { model: jsonCase.model } : {})),
      );
      expect(jsonCase.extract(harness.lastUpstream().body)).toEqual(jsonCase.expected);
      expect(response.choices[0]?.finish_reason).toBe('stop');
      expect(JSON.parse(response.choices[0]?.message.content ?? 'null')).toEqual(jsonCase.answer);
    });
  }
  if (harness.capabilities.json.length === 0) {
    it('json: no cases (the provider lacks a JSON mode)', () => {
      expect(harness.capabilities.json).toEqual([]);
    });
  }
}
