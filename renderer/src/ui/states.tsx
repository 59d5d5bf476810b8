// Designed loading, error and empty states, and ResourceView, which picks between them and the content, so no
// screen is ever blank while waiting or after a failure.
import type { ReactNode } from 'react';
import type { Resource } from '../app/resource';
import './states.css';

export function LoadingState({ label = 'Loading…', rows = 3 }: { readonly label?: string; readonly rows?: number }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite" aria-label={label}>
      <span className="visually-hidden">{label}</span>
      {Array.from({ length: rows }, (_, index) => (
        <div key={index} className="skeleton" aria-hidden="true" />
      ))}
    </div>
  );
}

export function ErrorState({
  title = 'Something went wrong',
  message,
  onRetry,
}: {
  readonly title?: string;
  readonly message: string;
  readonly onRetry?: () => void;
}) {
  return (
    <div className="state state-error" role="alert">
      <h2 className="state-title">{title}</h2>
      <p className="state-message">{message}</p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children, action }: { readonly title: string; readonly children?: ReactNode; readonly action?: ReactNode }) {
  return (
    <div className="state state-empty">
      <h2 className="state-title">{title}</h2>
      {children && <div className="state-message">{children}</div>}
      {action}
    </div>
  );
}

export interface ResourceViewProps<T> {
  readonly resource: Resource<T>;
  readonly onRetry?: () => void;
  readonly loadingLabel?: string;
  readonly isEmpty?: (data: T) => boolean;
  readonly empty?: ReactNode;
  readonly children: (data: T) => ReactNode;
}

export function ResourceView<T>({ resource, onRetry, loadingLabel, isEmpty, empty, children }: ResourceViewProps<T>) {
  if (resource.data === undefined) {
    if (resource.error !== null) return <ErrorState title="Could not load this" message={resource.error} {...(onRetry ? { onRetry } : {})} />;
    return <LoadingState {...(loadingLabel ? { label: loadingLabel } : {})} />;
  }
  return (
    <>
      {resource.error !== null && (
        <p className="inline-error" role="alert">
          Showing the last answer: {resource.error}
        </p>
      )}
      {isEmpty?.(resource.data) && empty !== undefined ? empty : children(resource.data)}
    </>
  );
}
