// The library packages as a new user gets them: packed with pnpm (workspace ranges rewritten),
// installed with npm into a fresh app outside the workspace, then: each tarball's contents
// against its package.json, every examples/*.mjs run with node, every examples/*.ts
// type-checked (bundler, nodenext and node10 resolution), and every examples/browser/<NAME>/ bundled
// with esbuild for the browser and run in Debian's Chromium against the numbers its node.mjs
// computed. Packing and the install happen once, in beforeAll; see README.md.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBrowserExample } from './browser-example';
import { bundleBrowserPage, describeBundle, type BundleReport } from './bundle-check';
import { chromiumMissing, launchChromium, type Browser } from './chromium';
import { discoverExamples, type BrowserExample } from './discover-examples';
import { findLibraryPackages } from './discover-packages';
import { installApp, type InstalledApp } from './install-app';
import { assertExited0, EXAMPLE_TIMEOUT_MS, exampleCopy, runNodeExample } from './node-example';
import { checkTarballFiles } from './package-files';
import { packPackages, type PackedPackage } from './pack';
import { PACKAGES_ROOT, REPO_ROOT } from './paths';
import { readTarball } from './tarball';
import { TS_SETTINGS, typecheckExamples, type TsSetting, type TypecheckResult } from './typecheck-examples';
import { appExamplesDir, copyExamples, createWorkdir, type Workdir } from './workdir';

/** PACKAGING_EXAMPLES_ROOT (e.g. test-fixtures/packages) takes the examples from elsewhere; the packages packed are always the real ones. */
const examplesRoot = process.env.PACKAGING_EXAMPLES_ROOT ? resolve(REPO_ROOT, 'apps/packaging', process.env.PACKAGING_EXAMPLES_ROOT) : PACKAGES_ROOT;
const libraries = findLibraryPackages(PACKAGES_ROOT);
const examples = discoverExamples(examplesRoot);

let workdir: Workdir;
let packed = new Map<string, PackedPackage | Error>();
let app: InstalledApp | undefined;
let appError: Error | undefined;

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

beforeAll(async () => {
  workdir = createWorkdir();
  let started = Date.now();
  packed = await packPackages(libraries, workdir.tarballs);
  console.log(`packaging check: packed ${libraries.length} packages into ${workdir.tarballs} in ${seconds(started)}`);
  const failed = [...packed].filter(([, result]) => result instanceof Error).map(([name]) => name);
  if (failed.length) {
    appError = new Error(`no app was installed: ${failed.join(', ')} did not pack (see "every library package packs")`);
    return;
  }
  started = Date.now();
  try {
    app = await installApp(workdir.app, [...packed.values()] as PackedPackage[]);
    console.log(`packaging check: npm install in ${workdir.app} took ${seconds(started)}`);
    for (const pkg of examples.packages) if (existsSync(join(pkg.dir, 'examples'))) copyExamples(workdir, pkg);
  } catch (error) {
    appError = error as Error;
  }
}, 20 * 60_000);

let browser: Promise<Browser> | undefined;
afterAll(async () => {
  if (browser) await (await browser.catch(() => undefined))?.close();
  workdir?.remove();
});

/** The installed app, or a failure that points at the install test (which shows npm's output). */
function requireApp(): InstalledApp {
  if (!app) throw new Error(`the packed packages did not install, so this cannot run (see "installs the tarballs with npm"): ${appError?.message.split('\n')[0]}`);
  return app;
}

describe('the packed tarballs', () => {
  it('every library package packs with pnpm pack', () => {
    expect(libraries.length, `no library packages found under ${PACKAGES_ROOT}`).toBeGreaterThan(0);
    const errors = [...packed].filter(([, result]) => result instanceof Error).map(([, error]) => (error as Error).message);
    expect(errors, errors.join('\n\n')).toEqual([]);
  });

  for (const pkg of libraries) {
    it(`${pkg.name} ships package.json, README.md, LICENSE, dist/ and every file its package.json names`, () => {
      const result = packed.get(pkg.name);
      if (!result || result instanceof Error) throw new Error(`${pkg.name} did not pack: ${result?.message ?? 'not attempted'}`);
      const files = readTarball(result.tarball);
      const manifestFile = files.get('package.json');
      const manifest = manifestFile ? JSON.parse(manifestFile.toString('utf8')) : pkg.manifest;
      const problems = checkTarballFiles(files.keys(), manifest);
      const lines = [
        ...problems.missingBasics.map((file) => `missing from the tarball: ${file}`),
        ...problems.missingDeclared.map((entry) => `package.json names a file the tarball does not have: ${entry}`),
        ...problems.workspaceRanges.map((entry) => `left as a workspace range: ${entry}`),
      ];
      expect(lines, `${pkg.name} (${result.tarball}):\n  ${lines.join('\n  ')}`).toEqual([]);
    });
  }
});

describe('a fresh npm app', () => {
  it('installs the tarballs with npm, each of our packages and tfjs-core once', () => {
    if (appError) throw appError;
    const { dir } = requireApp();
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string; version?: string }> };
    const problems: string[] = [];
    for (const pkg of libraries) {
      const entries = Object.entries(lock.packages).filter(([path]) => path.endsWith(`node_modules/${pkg.name}`));
      if (entries.length !== 1) problems.push(`${pkg.name} is installed ${entries.length} times: ${entries.map(([path]) => path).join(', ')}`);
      for (const [path, entry] of entries) if (!entry.resolved?.startsWith('file:')) problems.push(`${path} came from ${entry.resolved ?? 'the registry'}, not its tarball`);
    }
    const cores = Object.keys(lock.packages).filter((path) => path.endsWith('node_modules/@tensorflow/tfjs-core'));
    if (cores.length !== 1) problems.push(`@tensorflow/tfjs-core is installed ${cores.length} times: ${cores.join(', ')}`);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('finds examples to check', () => {
    expect(examples.node.length + examples.types.length + examples.browser.length, `no examples under ${examplesRoot}/**/examples`).toBeGreaterThan(0);
  });
});

// vitest fails a describe with no test in it, so a kind of example no package has yet gets no describe.
const describeAny = (list: unknown[]) => (list.length > 0 ? describe : (_name: string, _body: () => void) => undefined);

describeAny(examples.node)('examples/*.mjs run with node in the app', () => {
  for (const example of examples.node) {
    it(`${example.pkg.name} ${example.relative} exits 0`, async () => {
      const { dir } = requireApp();
      const script = exampleCopy(appExamplesDir(workdir, example.pkg), example.relative);
      const started = Date.now();
      assertExited0(await runNodeExample(dir, script), `node ${example.relative} (${example.pkg.name}) failed`);
      console.log(`packaging check: ${example.pkg.name} ${example.relative} ran in ${seconds(started)}`);
    }, EXAMPLE_TIMEOUT_MS + 30_000);
  }
});

describeAny(examples.types)('examples/*.ts type-check in the app', () => {
  const runs = new Map<TsSetting, Promise<TypecheckResult>>();
  const typecheck = (setting: TsSetting) => {
    if (!runs.has(setting)) {
      const files = examples.types.map((example) => exampleCopy(appExamplesDir(workdir, example.pkg), example.relative));
      runs.set(setting, typecheckExamples(requireApp().dir, setting, files));
    }
    return runs.get(setting)!;
  };
  for (const setting of Object.keys(TS_SETTINGS) as TsSetting[]) {
    const { module, moduleResolution } = TS_SETTINGS[setting];
    for (const example of examples.types) {
      it(`${example.pkg.name} ${example.relative} (module ${module}, moduleResolution ${moduleResolution}, strict)`, async () => {
        requireApp();
        const result = await typecheck(setting);
        const errors = [...(result.byFile.get(exampleCopy(appExamplesDir(workdir, example.pkg), example.relative)) ?? []), ...result.other];
        expect(errors, `tsc -p tsconfig.${setting}.json:\n${errors.join('\n')}`).toEqual([]);
      }, 300_000);
    }
  }
});

describeAny(examples.browser)('examples/browser/<NAME>/ bundle for the browser and run in Chromium', () => {
  const bundles = new Map<BrowserExample, Promise<BundleReport>>();
  const bundleDir = (example: BrowserExample) => join(workdir.bundles, example.pkg.shortName, example.name);
  const bundle = (example: BrowserExample) => {
    if (!bundles.has(example)) {
      const page = join(appExamplesDir(workdir, example.pkg), 'browser', example.name, 'page.mjs');
      bundles.set(example, bundleBrowserPage(requireApp().dir, page, join(bundleDir(example), 'page.js')));
    }
    return bundles.get(example)!;
  };
  for (const example of examples.browser) {
    const label = `${example.pkg.name} ${example.relative}`;
    it(`${label}page.mjs bundles (esbuild, platform browser) without Node built-ins or a second tfjs-core`, async () => {
      expect(example.hasPage, `${example.dir} has no page.mjs`).toBe(true);
      requireApp();
      const report = await bundle(example);
      expect(report.ok && report.errors.length === 0, `${label}page.mjs:\n${describeBundle(report)}`).toBe(true);
    }, 120_000);

    it(`${label} runs in Chromium and gives node.mjs's numbers`, async () => {
      const missing = chromiumMissing();
      if (missing) throw new Error(missing);
      expect(example.hasPage, `${example.dir} has no page.mjs`).toBe(true);
      expect(example.hasNode, `${example.dir} has no node.mjs (it writes what the page loads and expected.json)`).toBe(true);
      const { dir } = requireApp();
      const report = await bundle(example);
      if (!report.metafile) throw new Error(`page.mjs did not bundle:\n${describeBundle(report)}`);
      browser ??= launchChromium(dir);
      await runBrowserExample({
        appDir: dir,
        nodeScript: join(appExamplesDir(workdir, example.pkg), 'browser', example.name, 'node.mjs'),
        bundleDir: bundleDir(example),
        serveDir: join(workdir.serve, `${example.pkg.shortName}-${example.name}`),
        browser: () => browser!,
      });
    }, EXAMPLE_TIMEOUT_MS + 180_000);
  }
});
