/**
 * A static file server on 127.0.0.1 (a free port) for the Chromium checks: the page's bundle,
 * what the example's node.mjs wrote, and tfjs-backend-wasm's .wasm files under `/wasm/` (so a
 * page can `setWasmPaths('/wasm/')`), each with its content type (`application/wasm` matters:
 * Chromium compiles wasm by streaming only with it). Mounts are tried in order; `files` are
 * fixed answers (e.g. `/index.html`).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export interface Mount {
  /** URL prefix, ending in `/`. */
  prefix: string;
  dir: string;
}

export interface StaticServer {
  url: string;
  /** Paths asked for that were not found (a page's failure message lists them). */
  notFound: string[];
  close(): Promise<void>;
}

export function contentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** The file a URL path maps to under the mounts, or undefined; never a path outside a mount. */
export function resolveMounted(mounts: Mount[], urlPath: string): string | undefined {
  for (const { prefix, dir } of mounts) {
    if (!urlPath.startsWith(prefix)) continue;
    const root = normalize(dir + sep);
    const file = normalize(join(root, decodeURIComponent(urlPath.slice(prefix.length))));
    if (!file.startsWith(root)) continue;
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  return undefined;
}

export async function startStaticServer({ mounts, files = {} }: { mounts: Mount[]; files?: Record<string, string> }): Promise<StaticServer> {
  const notFound: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const fixed = files[path === '/' ? '/index.html' : path];
    if (fixed !== undefined) {
      response.writeHead(200, { 'content-type': contentType(path === '/' ? '/index.html' : path), 'cache-control': 'no-store' });
      response.end(fixed);
      return;
    }
    const file = resolveMounted(mounts, path);
    if (!file) {
      notFound.push(path);
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end(`not found: ${path}`);
      return;
    }
    response.writeHead(200, { 'content-type': contentType(file), 'content-length': statSync(file).size, 'cache-control': 'no-store' });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    notFound,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The page that loads the bundle as a module. */
export const INDEX_HTML = `<!doctype html>
<html>
  <head><meta charset="utf-8"><title>packaging check</title></head>
  <body><script type="module" src="/page.js"></script></body>
</html>
`;
