/**
 * Debian's Chromium driven by playwright-core (from the app's node_modules): playwright's own
 * browser download cannot work on these machines, so it launches /usr/bin/chromium. Where
 * Chromium is missing the checks fail with the install command, as the repo's other tests that
 * need a Debian package do (`npm test` installs it when it runs as root).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumMissing(path = CHROMIUM_PATH): string | undefined {
  return existsSync(path) ? undefined : `Chromium is not installed (${path} is missing): \`apt-get install chromium\` (npm test installs it when it runs as root; CHROMIUM_PATH names another binary)`;
}

/** The parts of playwright-core's API used here. */
interface ConsoleMessage {
  type(): string;
  text(): string;
}
interface Response {
  status(): number;
  url(): string;
}
export interface Page {
  on(event: 'console', listener: (message: ConsoleMessage) => void): void;
  on(event: 'pageerror', listener: (error: Error) => void): void;
  on(event: 'requestfailed', listener: (request: { url(): string; failure(): { errorText: string } | null }) => void): void;
  on(event: 'response', listener: (response: Response) => void): void;
  goto(url: string, options?: { timeout?: number }): Promise<unknown>;
  waitForFunction(fn: string, arg?: unknown, options?: { timeout?: number; polling?: number }): Promise<unknown>;
  evaluate<T>(fn: string): Promise<T>;
  close(): Promise<void>;
}
export interface Browser {
  newPage(): Promise<Page>;
  close(): Promise<void>;
  version(): string;
}

export async function launchChromium(appDir: string): Promise<Browser> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const { chromium } = createRequire(join(appDir, 'package.json'))('playwright-core') as {
    chromium: { launch(options: Record<string, unknown>): Promise<Browser> };
  };
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--headless=new'], timeout: 60_000 });
}

export type PageResult = { values: Record<string, unknown>; error?: undefined } | { error: string; values?: undefined };

export interface PageRun {
  result?: PageResult;
  /** The page's console, page errors, failed requests and HTTP errors, in order. */
  log: string[];
  /** Why no result came (timeout, navigation error). */
  failure?: string;
}

/** Reads `window.__result` as plain data (typed arrays become arrays; playwright keeps NaN). */
const READ_RESULT = `(() => {
  const r = window.__result;
  if (!r || typeof r !== 'object') return { error: 'window.__result is ' + String(r) };
  if (r.error !== undefined) return { error: String(r.error) };
  if (!r.values || typeof r.values !== 'object') return { error: 'window.__result has neither values nor error' };
  const values = {};
  for (const key of Object.keys(r.values)) {
    const v = r.values[key];
    values[key] = ArrayBuffer.isView(v) ? Array.from(v) : v;
  }
  return { values };
})()`;

/** Opens `url` and waits up to `timeoutMs` for `window.__result`. */
export async function runPage(browser: Browser, url: string, timeoutMs = 120_000): Promise<PageRun> {
  const page = await browser.newPage();
  const log: string[] = [];
  page.on('console', (message) => log.push(`console.${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => log.push(`page error: ${error.stack ?? error.message}`));
  page.on('requestfailed', (request) => log.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? '?'})`));
  page.on('response', (response) => {
    if (response.status() >= 400) log.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  try {
    await page.goto(url, { timeout: 30_000 });
    await page.waitForFunction('window.__result !== undefined', undefined, { timeout: timeoutMs, polling: 250 });
    const result = await page.evaluate<PageResult>(READ_RESULT);
    return { result, log };
  } catch (error) {
    return { log, failure: (error as Error).message.split('\n')[0] };
  } finally {
    await page.close().catch(() => {});
  }
}
