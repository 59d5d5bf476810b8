// Renders the whole app (or one element) against the in-memory fake core, for component tests under happy-dom;
// with small helpers to wait for text and to type into React-controlled inputs.
import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { App } from '../app/App';
import { createConnectionStore } from '../app/connection-store';
import { createAppStores, StoresProvider, type AppStores } from '../app/stores';
import { createThemeStore } from '../app/theme-store';
import { createFakeControl, type FakeControl, type FakeOptions } from '../control/fake/fake-control-client';
import { createFakeGateway, type FakeGatewayOptions } from '../control/fake/fake-gateway';

export interface Rendered {
  readonly container: HTMLElement;
  readonly fake: FakeControl;
  readonly stores: AppStores;
  /** the request bodies the playground sent to the (fake) gateway */
  readonly gatewayBodies: string[];
  unmount(): void;
}

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export async function renderApp(
  options: FakeOptions & { readonly element?: ReactNode; readonly signedOut?: boolean; readonly gateway?: FakeGatewayOptions } = {},
): Promise<Rendered> {
  const fake = createFakeControl(options);
  const gateway = createFakeGateway(fake, { delayMs: 0, ...options.gateway });
  const connection = createConnectionStore();
  if (options.signedOut) connection.getState().signedOut();
  else connection.getState().ready('demo');
  const theme = createThemeStore({ root: document.documentElement, storage: undefined });
  const stores = createAppStores({ client: fake.client, connection, theme, gateway, ...(options.now ? { now: options.now } : {}) });
  const container = document.createElement('div');
  document.body.append(container);
  let root: Root | undefined;
  await act(async () => {
    root = createRoot(container);
    root.render(<StoresProvider stores={stores}>{options.element ?? <App />}</StoresProvider>);
  });
  return {
    container,
    fake,
    stores,
    gatewayBodies: gateway.bodies,
    unmount: () => {
      act(() => root?.unmount());
      container.remove();
    },
  };
}

/** Lets pending promises and effects run, repeatedly, until `check` passes (or fails after ~2 s). */
export async function waitFor<T>(check: () => T, timeoutMs = 2000): Promise<Exclude<T, false | null | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const result = check();
      if (result !== false && result !== undefined && result !== null) return result as Exclude<T, false | null | undefined>;
      if (Date.now() > deadline) throw new Error('waitFor: condition still false');
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
  }
}

/** Sets a React-controlled input's value the way a user's typing would. */
export function typeInto(input: HTMLInputElement | HTMLSelectElement, value: string): void {
  const prototype = input instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(prototype, 'value')?.set;
  act(() => {
    setter?.call(input, value);
    input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
  });
}

export function click(element: Element | null | undefined): void {
  if (!(element instanceof HTMLElement)) throw new Error('click: no such element');
  act(() => element.click());
}

export function byText<T extends Element = HTMLElement>(root: ParentNode, selector: string, text: string | RegExp): T | undefined {
  return [...root.querySelectorAll<T>(selector)].find((element) =>
    typeof text === 'string' ? element.textContent?.trim() === text : text.test(element.textContent ?? ''),
  );
}

export function labelled<T extends HTMLElement = HTMLInputElement>(root: ParentNode, label: string | RegExp): T {
  const found = [...root.querySelectorAll('label')].find((candidate) =>
    typeof label === 'string' ? candidate.textContent?.trim() === label : label.test(candidate.textContent ?? ''),
  );
  const id = found?.getAttribute('for');
  const element = id ? (root.querySelector(`[id="${id}"]`) as T | null) : (found?.querySelector('input, select') as T | null);
  if (!element) throw new Error(`no field labelled ${String(label)}`);
  return element;
}
