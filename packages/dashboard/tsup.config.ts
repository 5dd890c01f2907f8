import { defineConfig } from 'tsup';
import shared from '../../tsup.shared.js';
import { buildClient } from './build-client.mjs';

export default defineConfig({
  ...shared,
  // The page's script and styles (views, uPlot, dagre) as one browser bundle: dist/client/app.js + app.css.
  async onSuccess() {
    await buildClient();
  },
});
