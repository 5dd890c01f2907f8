// The page: one HTML document with the bundled client (JS and CSS) inlined and the data embedded as JSON.
// The same document serves the live dashboard and the self-contained report.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { DashboardData } from '../types.js';

export const DATA_ELEMENT_ID = 'lamdagent-data';

/** Where the client bundle is: beside the built module (dist/client), or dist/client seen from src/node. */
function assetDirs(): string[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return [path.join(here, 'client'), path.resolve(here, '..', '..', 'dist', 'client')];
}

let cache: { dir: string; mtime: number; js: string; css: string } | undefined;

/** The built page script and style sheet (uPlot, dagre and the views, bundled by `npm run build`). */
export function clientAssets(): { js: string; css: string } {
  const dir = assetDirs().find((d) => existsSync(path.join(d, 'app.js')));
  if (!dir) throw new Error(`the dashboard page is not built (no client/app.js): run \`npm run build -w @lamdagent/dashboard\``);
  const jsFile = path.join(dir, 'app.js');
  const cssFile = path.join(dir, 'app.css');
  const m = statSync(jsFile).mtimeMs + (existsSync(cssFile) ? statSync(cssFile).mtimeMs : 0);
  if (!cache || cache.dir !== dir || cache.mtime !== m) {
    cache = { dir, mtime: m, js: readFileSync(jsFile, 'utf8'), css: existsSync(cssFile) ? readFileSync(cssFile, 'utf8') : '' };
  }
  return { js: cache.js, css: cache.css };
}

/** JSON that is safe inside a `<script>` element (no `</script>`, no HTML comment, no line separators). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The content security policy: everything inline, nothing from the network (the live page may call its own server). */
export function contentSecurityPolicy(mode: DashboardData['mode']): string {
  return [
    "default-src 'none'",
    "script-src 'unsafe-inline'",
    "style-src 'unsafe-inline'",
    'img-src data:',
    `connect-src ${mode === 'live' ? "'self'" : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function renderPage(data: DashboardData): string {
  const { js, css } = clientAssets();
  const title = `LaMDAgent · ${data.studies.map((s) => s.name).join(' vs ') || 'dashboard'}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(data.mode)}">
<meta name="generator" content="@lamdagent/dashboard">
<title>${escapeHtml(title)}</title>
<style>${css.replace(/<\/style/gi, '<\\/style')}</style>
</head>
<body>
<div id="app"></div>
<script type="application/json" id="${DATA_ELEMENT_ID}">${jsonForScript(data)}</script>
<script>${js.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--')}</script>
</body>
</html>
`;
}
