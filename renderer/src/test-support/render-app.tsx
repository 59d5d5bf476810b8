// Renders the whole app (or one element) against the in-memory fake core, for component tests under happy-dom;
// with small helpers to wait for text and to type into React-controlled inputs. Tests find elements by role, label
// and text (Testing Library's queries), as a user would, not by class names.
import { within } from '@testing-library/dom';
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

// A browser's own stylesheet hides a closed <dialog>, which takes it out of the accessibility tree; happy-dom has no
// such rule, so role queries would find the buttons of every closed dialog on the page.
if (typeof document !== 'undefined' && document.getElementById('user-agent-rules') === null) {
  const rules = document.createElement('style');
  rules.id = 'user-agent-rules';
  rules.textContent = 'dialog:not([open]) { display: none; }';
  document.head.append(rules);
}

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

/**
 * Lets pending promises and effects run, repeatedly, until `check` passes (or fails after ~5 s: a page's first lazy
 * import can take over 2 s on a busy machine).
 */
export async function waitFor<T>(check: () => T, timeoutMs = 5000): Promise<Exclude<T, false | null | undefined>> {
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

/** Submits the form a submit button belongs to, as pressing it does (happy-dom's click does not submit forms). */
export function submitWith(button: Element | null | undefined): void {
  if (!(button instanceof HTMLButtonElement) || button.form === null) throw new Error('submitWith: not a button in a form');
  const form = button.form;
  act(() => form.requestSubmit());
}

export function byText<T extends Element = HTMLElement>(root: ParentNode, selector: string, text: string | RegExp): T | undefined {
  return [...root.querySelectorAll<T>(selector)].find((element) =>
    typeof text === 'string' ? element.textContent?.trim() === text : text.test(element.textContent ?? ''),
  );
}

/** The form control a label names (a <label>, aria-label or aria-labelledby), found as Testing Library finds it. */
export function labelled<T extends HTMLElement = HTMLInputElement>(root: HTMLElement, label: string | RegExp): T {
  return within(root).getByLabelText(label) as T;
}
