import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { captureBridgeToken } from './api/http.js';
import './grid/setup.js';
import './styles.css';
import { App } from './App.js';

// Before the router reads the hash: the dev bridge hands its token as "#token=...".
if (!window.grenette) captureBridgeToken();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
