import './styles.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { createClient } from './api/client';
import { App } from './App';
import { ErrorBoundary } from './components/ErrorBoundary';
import { AppStore, setStore } from './state/store';

const root = document.getElementById('root')!;
try {
  const appStore = setStore(new AppStore(createClient()));
  appStore.start();
  createRoot(root).render(
    <StrictMode>
      <ErrorBoundary>
        <App />
      </ErrorBoundary>
    </StrictMode>,
  );
} catch (e) {
  // Never a blank window: whatever failed before React could draw is shown as text.
  root.textContent = `IPsec Lab could not start: ${(e as Error).message}`;
  root.className = 'fatal';
}
