// Renderer entry: one React root, fed by the desktop bridge when present (see status-source.ts).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { statusSourceFor } from './status-source';
import { createStatusStore } from './status-store';
import './styles.css';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <App store={createStatusStore(statusSourceFor(window.switchyard))} />
  </StrictMode>,
);
