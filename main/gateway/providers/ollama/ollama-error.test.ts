import { describe, expect, it } from 'vitest';
import { notRunningError, ollamaHttpError, ollamaInBandError } from './ollama-error.js';

const httpError = (status: number, text: string, headers: Record<string, string> = {}) =>
  ollamaHttpError({ providerId: 'ollama', upstreamModel: 'qwen3:8b', status, headers, text });

describe('ollamaHttpError', () => {
  it('turns both of Ollama\'s "not found" wordings into the pull hint', () => {
    for (const text of ['{"error":"model \'qwen3:8b\' not found"}', '{"error":"model \\"qwen3:8b\\" not found, try pulling it first"}']) {
      const error = httpError(404, text);
      expect(error).toMatchObject({ status: 404, errorClass: 'not_found', kind: 'http', retryable: false, code: 'model_not_found' });
      expect(error.message).toBe("model 'qwen3:8b' is not pulled in Ollama: run `ollama pull qwen3:8b`");
      expect(error.upstreamBody).toBe(text);
    }
  });

  it("classifies by status, context length by Ollama's wording", () => {
    expect(httpError(400, '{"error":"registry.ollama.ai/library/llava:7b does not support tools"}')).toMatchObject({
      errorClass: 'bad_request',
      retryable: false,
      message: 'registry.ollama.ai/library/llava:7b does not support tools',
    });
    expect(httpError(503, '{"error":"server busy, please try again.  maximum pending requests exceeded"}', { 'retry-after': '2' })).toMatchObject({
      errorClass: 'unavailable',
      retryable: true,
      retryAfterMs: 2000,
    });
    expect(httpError(500, '{"error":"llama runner process has terminated"}')).toMatchObject({ errorClass: 'server', retryable: true });
    expect(httpError(400, '{"error":"the input length exceeds the context length"}').errorClass).toBe('context_length');
    expect(httpError(502, '<html>Bad Gateway</html>')).toMatchObject({ errorClass: 'server', message: '<html>Bad Gateway</html>' });
    // a 404 that is not about a model (a proxy in front of Ollama) keeps its own message
    expect(httpError(404, '404 page not found').message).toBe('404 page not found');
  });
});

describe('ollamaInBandError and notRunningError', () => {
  it('treats a mid-stream error as a retryable server failure', () => {
    expect(ollamaInBandError('ollama', 'an error was encountered while running the model')).toMatchObject({
      kind: 'in-band',
      errorClass: 'server',
      status: 502,
      retryable: true,
    });
  });

  it('names the address and the fix when Ollama is not running', () => {
    const error = notRunningError('ollama', 'http://127.0.0.1:11434/');
    expect(error).toMatchObject({ status: 503, errorClass: 'unavailable', kind: 'connect', retryable: true });
    expect(error.message).toBe('Ollama is not running at http://127.0.0.1:11434 (connection refused): start it with `ollama serve`');
  });
});
