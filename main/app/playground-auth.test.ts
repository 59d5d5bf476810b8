// The desktop playground's token goes only onto the app window's own fetches of the gateway's chat endpoint:
// never another window, another page, another port or path, an image or a navigation; the page's own credential
// headers are replaced, never merged.
import { describe, expect, it } from 'vitest';
import { installPlaygroundCredential, playgroundRequestHeaders, type OutgoingRequest, type PlaygroundCredential } from './playground-auth.js';
import type { RendererSource } from './renderer-source.js';

const source: RendererSource = { kind: 'file', url: 'file:///opt/switchyard/dist/renderer/index.html' };
const credential: PlaygroundCredential = { gatewayUrl: () => 'http://127.0.0.1:5454', token: () => 'sy-playground-secret', windowContentsId: () => 7 };
const fetchFromWindow: OutgoingRequest = {
  url: 'http://127.0.0.1:5454/v1/chat/completions',
  webContentsId: 7,
  resourceType: 'xhr',
  frame: { url: 'file:///opt/switchyard/dist/renderer/index.html#/playground' },
  requestHeaders: { 'Content-Type': 'text/plain;charset=UTF-8', Accept: 'text/event-stream' },
};

describe('playgroundRequestHeaders', () => {
  it('adds the token to the window page’s fetch of the chat endpoint, keeping its other headers', () => {
    expect(playgroundRequestHeaders(fetchFromWindow, credential, source)).toEqual({
      'Content-Type': 'text/plain;charset=UTF-8',
      Accept: 'text/event-stream',
      Authorization: 'Bearer sy-playground-secret',
    });
  });

  it('replaces a credential the page set itself', () => {
    const headers = playgroundRequestHeaders(
      { ...fetchFromWindow, requestHeaders: { authorization: 'Bearer sy-other', 'X-Api-Key': 'sy-x', Cookie: 'a=b' } },
      credential,
      source,
    );
    expect(headers).toEqual({ Authorization: 'Bearer sy-playground-secret' });
  });

  it('leaves everything else alone', () => {
    const untouched: Array<Partial<OutgoingRequest>> = [
      { webContentsId: 8 }, // another window or webview
      { webContentsId: undefined }, // the browser's own requests
      { resourceType: 'image' }, // <img src> pointing at the gateway
      { resourceType: 'mainFrame' }, // a navigation
      { frame: { url: 'https://evil.example/' } }, // a frame that is not the app page
      { url: 'http://127.0.0.1:5455/v1/chat/completions' }, // another port
      { url: 'http://localhost:5454/v1/chat/completions' }, // another origin for the same server
      { url: 'http://127.0.0.1:5454/v1/embeddings' }, // another endpoint
      { url: 'http://127.0.0.1:5454/_switchyard/api/status.get' },
      { url: 'http://user:pass@127.0.0.1:5454/v1/chat/completions' },
      { url: 'not a url' },
    ];
    for (const change of untouched)
      expect(playgroundRequestHeaders({ ...fetchFromWindow, ...change }, credential, source), JSON.stringify(change)).toBeUndefined();
  });

  it('does nothing before the core runs or while there is no window', () => {
    expect(playgroundRequestHeaders(fetchFromWindow, { ...credential, token: () => undefined }, source)).toBeUndefined();
    expect(playgroundRequestHeaders(fetchFromWindow, { ...credential, gatewayUrl: () => undefined }, source)).toBeUndefined();
    expect(playgroundRequestHeaders(fetchFromWindow, { ...credential, windowContentsId: () => undefined }, source)).toBeUndefined();
  });

  it('follows the gateway to a new port after a restart', () => {
    let url = 'http://127.0.0.1:5454';
    const moving = { ...credential, gatewayUrl: () => url };
    url = 'http://127.0.0.1:6000';
    expect(playgroundRequestHeaders(fetchFromWindow, moving, source)).toBeUndefined();
    expect(playgroundRequestHeaders({ ...fetchFromWindow, url: 'http://127.0.0.1:6000/v1/chat/completions' }, moving, source)).toBeDefined();
  });
});

describe('installPlaygroundCredential', () => {
  it('answers every request: new headers for the playground’s, none (unchanged) for the rest', () => {
    let listener: ((details: OutgoingRequest, callback: (response: { requestHeaders?: Record<string, string> }) => void) => void) | undefined;
    installPlaygroundCredential({ webRequest: { onBeforeSendHeaders: (registered) => (listener = registered) } }, credential, source);
    const answers: unknown[] = [];
    listener?.(fetchFromWindow, (response) => answers.push(response));
    listener?.({ ...fetchFromWindow, webContentsId: 9 }, (response) => answers.push(response));
    expect(answers).toEqual([
      { requestHeaders: { 'Content-Type': 'text/plain;charset=UTF-8', Accept: 'text/event-stream', Authorization: 'Bearer sy-playground-secret' } },
      {},
    ]);
  });
});
