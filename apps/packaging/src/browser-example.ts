/**
 * One browser example end to end: its `node.mjs` makes what the page needs (e.g. a trained
 * model's `model.json` and `weights.bin`) and the numbers the page must reproduce
 * (`expected.json`) in SERVE_DIR; the bundled `page.mjs` then runs in Chromium from a static
 * server and sets `window.__result`, which is compared with those numbers.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from './chromium';
import { runPage } from './chromium';
import { compareValues, validateExpected } from './compare-values';
import { assertExited0, runNodeExample } from './node-example';
import { INDEX_HTML, startStaticServer } from './static-server';

export interface BrowserRunOptions {
  appDir: string;
  /** The copied `node.mjs`. */
  nodeScript: string;
  /** The folder holding the bundled `page.js`. */
  bundleDir: string;
  /** A fresh folder for node.mjs's output. */
  serveDir: string;
  browser: () => Promise<Browser>;
  pageTimeoutMs?: number;
}

/** Throws with node.mjs's output, the page's log, requests that 404ed, or the worst difference. */
export async function runBrowserExample({ appDir, nodeScript, bundleDir, serveDir, browser, pageTimeoutMs = 120_000 }: BrowserRunOptions): Promise<void> {
  mkdirSync(serveDir, { recursive: true });
  assertExited0(await runNodeExample(appDir, nodeScript, { SERVE_DIR: serveDir }), `node.mjs (SERVE_DIR=${serveDir}) failed`);
  const expectedFile = join(serveDir, 'expected.json');
  if (!existsSync(expectedFile)) throw new Error(`node.mjs exited 0 but wrote no ${expectedFile}`);
  const expected = validateExpected(JSON.parse(readFileSync(expectedFile, 'utf8')));
  const server = await startStaticServer({
    mounts: [
      { prefix: '/wasm/', dir: join(appDir, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') },
      { prefix: '/', dir: bundleDir },
      { prefix: '/', dir: serveDir },
    ],
    // An empty favicon: Chromium asks for one, and its 404 would only be noise in a failure's log.
    files: { '/index.html': INDEX_HTML, '/favicon.ico': '' },
  });
  try {
    const run = await runPage(await browser(), `${server.url}/index.html`, pageTimeoutMs);
    const context = () => [`--- page log (${run.log.length} lines) ---`, ...run.log.slice(-60), ...(server.notFound.length ? [`--- not found on the server ---`, ...server.notFound] : [])].join('\n');
    if (!run.result) throw new Error(`the page set no window.__result: ${run.failure}\n${context()}`);
    if (run.result.error !== undefined) throw new Error(`the page reported an error: ${run.result.error}\n${context()}`);
    const comparison = compareValues(expected, run.result.values);
    if (!comparison.ok) throw new Error(`the page's values differ from node.mjs's:\n  ${comparison.problems.join('\n  ')}\n${context()}`);
  } finally {
    await server.close();
  }
}
