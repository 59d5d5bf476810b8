// Prices as the UI shows them: USD per million tokens, without the float noise of scaling a per-token price.
export function perMillion(perToken: number): number {
  return Number((perToken * 1_000_000).toPrecision(12));
}
