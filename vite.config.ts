// Builds the window (renderer/) into dist/renderer. Relative asset paths, because the app loads
// it from its own files (file://) and the preview serves it from a loopback port.
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [preact()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: false,
    target: 'chrome130',
    modulePreload: { polyfill: false },
  },
});
