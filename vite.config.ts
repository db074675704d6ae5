import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The staff UI: loaded from file:// in Electron and from the dev bridge in a browser, hence relative asset paths. */
export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    // Inline assets would become data: URLs in scripts; keep everything as files allowed by the CSP ('self').
    assetsInlineLimit: 0,
  },
});
