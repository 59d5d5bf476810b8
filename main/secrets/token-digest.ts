// How stored client tokens are kept: their SHA-256 digest, never the token. The token store (this folder) writes
// digests and the gateway's check (gateway/http/auth.ts) compares them, so the hashing lives here, below both.
import { hash } from 'node:crypto';

/** One-shot SHA-256: no Hash object (with its native handle for the GC to finalise) per request. */
export function digest(token: string): Buffer {
  return hash('sha256', token, 'buffer');
}

/** The token's digest, made on first use and then remembered (a chain of verifiers shares one). */
export function lazyDigest(token: string): () => Buffer {
  let value: Buffer | undefined;
  return () => (value ??= digest(token));
}
