// A page's title row: the h1 every page has (for screen readers' heading navigation) and its actions.
import type { ReactNode } from 'react';
import './page-header.css';

export function PageHeader({ title, description, actions }: { readonly title: string; readonly description?: ReactNode; readonly actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {description && <p className="muted">{description}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}
