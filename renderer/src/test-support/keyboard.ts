// Keys pressed on a focused element, the way a browser sends them (keydown bubbling to React's root listener), and
// clicks whose effects arrive asynchronously.
import { act } from 'react';

export function press(element: Element | null | undefined, key: string, init: KeyboardEventInit = {}): void {
  if (!(element instanceof HTMLElement)) throw new Error(`press ${key}: no such element`);
  act(() => {
    element.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
  });
}

export function focus(element: Element | null | undefined): void {
  if (!(element instanceof HTMLElement)) throw new Error('focus: no such element');
  act(() => element.focus());
}

/** A click whose work goes on asynchronously (control calls): its updates land inside act. */
export async function tap(element: Element | null | undefined): Promise<void> {
  if (!(element instanceof HTMLElement)) throw new Error('tap: no such element');
  await act(async () => {
    element.click();
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
}
