import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is served from file:// in Electron and from the web-mode server, so assets use
// relative paths.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
