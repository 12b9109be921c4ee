import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The operator console's build: four pages from visualizer/ into visualizer/dist, with
 * relative asset paths (base './') so the controller's HTTP server can serve them under any
 * prefix. Run from the repository root: `npx vite build --config visualizer/vite.config.ts`.
 *   index.html  the console (scene, panels, controls)
 *   port.html   a port screen (`port.html?port=P1`)
 *   bench.html  the scene benchmark (no MQTT; synthetic messages)
 *   login.html  the login (name and password; then on to the page asked for)
 * The console and the port screen fetch `./config.json` (served beside them to a browser that
 * logged in) for the broker URL, the site and who is logged in.
 */
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  publicDir: false,
  clearScreen: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // three.js and mqtt's browser build make one chunk of ~900 kB; that is expected here.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        port: fileURLToPath(new URL('port.html', import.meta.url)),
        bench: fileURLToPath(new URL('bench.html', import.meta.url)),
        login: fileURLToPath(new URL('login.html', import.meta.url)),
      },
    },
  },
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
});
