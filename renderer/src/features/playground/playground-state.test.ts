// The comparison store without the DOM: what a turn keeps in the history (text, an image only as a flag, each
// answer's ledger row and confirmed cost), the blind shuffle, Stop all, and a new run taking over from one in flight.
import { describe, expect, it } from 'vitest';
import { createFakeControl } from '../../control/fake/fake-control-client';
import { createFakeGateway } from '../../control/fake/fake-gateway';
import { createPlaygroundStore, type PlaygroundStore } from './playground-state';

function setup(
  gatewayOptions: Parameters<typeof createFakeGateway>[1] = { delayMs: 0 },
  random = Math.random,
): { store: PlaygroundStore; fake: ReturnType<typeof createFakeControl> } {
  const fake = createFakeControl({ seeded: false });
  const store = createPlaygroundStore({ client: fake.client, gateway: createFakeGateway(fake, gatewayOptions), random, ledgerRetryMs: 5 });
  return { store, fake };
}

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('until: still false');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const image = { name: 'cat.png', bytes: 4, dataUrl: 'data:image/png;base64,AAAA' };

describe('playground store', () => {
  it('keeps a finished turn in the history: text, the image as a flag, each answer’s ledger row and cost', async () => {
    const { store, fake } = setup();
    store.getState().update({ models: ['openai/a', 'anthropic/b'], prompt: 'Describe it', image, systemPrompt: 'Short.', taskTag: 'vision' });
    store.getState().run();
    await until(() => fake.state.playground.comparisons.length === 1);
    const [kept] = fake.state.playground.comparisons;
    expect(kept).toMatchObject({ taskTag: 'vision', systemPrompt: 'Short.', blind: false });
    expect(JSON.stringify(kept)).not.toContain('base64');
    const column = kept!.columns[0]!;
    expect(column.messages[0]).toEqual({ role: 'user', content: 'Describe it', imageAttached: true });
    expect(column.messages[1]?.content).toContain('openai/a');
    const answer = column.answers[0]!;
    const row = fake.state.requests.find((request) => request.id === answer.requestId);
    expect(answer).toMatchObject({ status: 'ok', providerId: 'openai', servedModel: 'a' });
    expect(answer.costUsd).toBe(row?.costUsd);
    expect(store.getState().comparison?.columns[0]?.metrics).toMatchObject({ costSource: 'ledger', ledgerStatus: 'ok' });
  });

  it('keeps nothing when the user said not to', async () => {
    const { store, fake } = setup();
    store.getState().update({ models: ['openai/a', 'anthropic/b'], prompt: 'Hi', keepHistory: false });
    store.getState().run();
    await until(() => store.getState().comparison?.turn === 1);
    expect(fake.state.playground.comparisons).toEqual([]);
  });

  it('shuffles blind columns and hides them until the vote', async () => {
    const { store } = setup({ delayMs: 0 }, () => 0);
    store.getState().update({ models: ['openai/a', 'anthropic/b', 'groq/c'], prompt: 'Hi', blind: true });
    store.getState().run();
    expect(store.getState().comparison?.columns.map((column) => column.model)).toEqual(['anthropic/b', 'groq/c', 'openai/a']);
    expect(store.getState().revealed).toBe(false);
    await until(() => store.getState().comparison?.turn === 1);
    await store.getState().vote('tie');
    expect(store.getState()).toMatchObject({ revealed: true, comparison: { vote: 'tie' } });
  });

  it('stops every column at once', async () => {
    const { store, fake } = setup({ delayMs: 10, answer: () => 'word '.repeat(300) });
    store.getState().update({ models: ['openai/a', 'anthropic/b'], prompt: 'Hi' });
    store.getState().run();
    await until(() => store.getState().comparison?.columns.every((column) => column.phase === 'streaming') ?? false);
    store.getState().stopAll();
    await until(() => store.getState().comparison?.columns.every((column) => column.phase === 'stopped') ?? false);
    await until(() => fake.state.requests.filter((row) => row.status === 'cancelled').length === 2);
  });

  it('a new run takes over: the old one is stopped and its late updates are ignored, and Stop reaches the new one', async () => {
    const { store } = setup({ delayMs: 10, answer: () => 'word '.repeat(300) });
    store.getState().update({ models: ['openai/a', 'anthropic/b'], prompt: 'First' });
    store.getState().run();
    await until(() => store.getState().comparison?.columns[0]?.phase === 'streaming');
    const first = store.getState().comparison?.id;
    store.getState().run();
    const second = store.getState().comparison?.id;
    expect(second).not.toBe(first);
    await until(() => store.getState().comparison?.columns[0]?.phase === 'streaming');
    await new Promise((resolve) => setTimeout(resolve, 50)); // the first run's streams wind down meanwhile
    store.getState().stop('column-0');
    await until(() => store.getState().comparison?.columns[0]?.phase === 'stopped');
    expect(store.getState().comparison?.id).toBe(second);
    store.getState().stopAll();
  });
});
