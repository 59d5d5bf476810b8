// Reads an SSE response from the gateway the way a strict client would, keeping every frame: the test can then
// say exactly what the client saw (content, in-band errors, whether [DONE] arrived).
export interface SseTranscript {
  readonly status: number;
  readonly headers: Headers;
  readonly frames: readonly string[];
  readonly text: string;
  readonly done: boolean;
  readonly errors: ReadonlyArray<{ message: string; type: string; code: string | null }>;
  /** the raw body for non-SSE answers */
  readonly body: string;
}

export async function readSse(response: Response): Promise<SseTranscript> {
  const body = await response.text();
  const frames = body
    .split('\n\n')
    .map((frame) => frame.trim())
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => frame.slice('data: '.length));
  let text = '';
  const errors: Array<{ message: string; type: string; code: string | null }> = [];
  for (const frame of frames) {
    if (frame === '[DONE]') continue;
    const parsed = JSON.parse(frame) as { error?: { message: string; type: string; code: string | null }; choices?: Array<{ delta?: { content?: string } }> };
    if (parsed.error) errors.push(parsed.error);
    for (const choice of parsed.choices ?? []) text += choice.delta?.content ?? '';
  }
  return { status: response.status, headers: response.headers, frames, text, done: frames.at(-1) === '[DONE]', errors, body };
}
