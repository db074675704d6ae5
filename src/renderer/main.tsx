import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { captureBridgeToken } from './api/http.js';
import './grid/setup.js';
import './styles.css';
import { App } from './App.js';
import { installLeaveGuard } from './lib/unsaved.js';

// Before the router reads the hash: the dev bridge hands its token as "#token=...".
if (!window.grenette) captureBridgeToken();
// Before the app's own hashchange listeners, so that leaving a form with changes asks first.
installLeaveGuard();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
