// The state of one piece of remote data in a store: the last good answer (kept while reloading, so screens do not
// flash), whether a load is running, and the last error as a sentence.
import { SessionExpiredError, messageOf } from '../control/control-error';

export interface Resource<T> {
  readonly data: T | undefined;
  readonly loading: boolean;
  readonly error: string | null;
}

export function emptyResource<T>(): Resource<T> {
  return { data: undefined, loading: false, error: null };
}

export function loadingResource<T>(previous: Resource<T>): Resource<T> {
  return { data: previous.data, loading: true, error: null };
}

export function readyResource<T>(data: T): Resource<T> {
  return { data, loading: false, error: null };
}

export function failedResource<T>(previous: Resource<T>, error: unknown): Resource<T> {
  const message = error instanceof SessionExpiredError ? 'The session has expired.' : messageOf(error);
  return { data: previous.data, loading: false, error: message };
}

/** Runs loads so that only the latest one's answer lands (an older, slower answer never overwrites a newer one). */
export function latestOnly(): () => () => boolean {
  let generation = 0;
  return () => {
    const mine = ++generation;
    return () => mine === generation;
  };
}
