// The packing harness's pieces on fixtures and synthetic inputs, so each check is seen to fail
// when it should (the packing test itself only shows that it passes or fails on the real packages).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distInputsWithTfjsCore, isNodeBuiltin, nodeBuiltinsIn, tfjsCoreCodeSigns, tfjsCoreLocations, type Metafile } from './bundle-check';
import { chromiumMissing } from './chromium';
import { compareValues, validateExpected } from './compare-values';
import { discoverExamples } from './discover-examples';
import { findLibraryPackages } from './discover-packages';
import { userEnv } from './env';
import { appManifest } from './install-app';
import { checkTarballFiles, declaredPaths } from './package-files';
import { tarballName, type PackedPackage } from './pack';
import { FIXTURES_ROOT, PACKAGES_ROOT } from './paths';
import { readTarball } from './tarball';
import { parseTscOutput } from './typecheck-examples';
import { resolveMounted, startStaticServer } from './static-server';

const scratch = mkdtempSync(join(os.tmpdir(), 'packaging-helpers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('discovery', () => {
  it('finds the library packages: non-private, under packages/ and packages/models/', () => {
    const names = findLibraryPackages(PACKAGES_ROOT).map((pkg) => pkg.name).sort();
    expect(names).toEqual(
      ['caglow', 'csvae', 'cvae-gan', 'data', 'flows', 'infomi-vae', 'jdvae', 'kernels', 'metrics', 'normalization', 'sweep', 'training'].map((name) => `@disentangle/${name}`),
    );
  });

  it('sorts a packages root\'s examples into node scripts, TypeScript files and browser folders', () => {
    const examples = discoverExamples(join(FIXTURES_ROOT, 'packages'));
    expect(examples.node.map((e) => `${e.pkg.name} ${e.relative}`)).toEqual(['@fixture/harness-demo examples/seeded.mjs']);
    expect(examples.types.map((e) => `${e.pkg.name} ${e.relative}`)).toEqual(['@fixture/harness-demo examples/typed.ts']);
    expect(examples.browser.map((e) => ({ name: e.name, relative: e.relative, hasPage: e.hasPage, hasNode: e.hasNode, shortName: e.pkg.shortName }))).toEqual([
      { name: 'tiny-dense', relative: 'examples/browser/tiny-dense/', hasPage: true, hasNode: true, shortName: 'harness-demo' },
    ]);
  });
});

describe('tarball contents', () => {
  it('reads a tarball, long (pax) names included, without the package/ prefix', () => {
    const long = `dist/${'very-long-folder-name/'.repeat(6)}file.js`;
    mkdirSync(join(scratch, 'package', long, '..'), { recursive: true });
    writeFileSync(join(scratch, 'package', 'package.json'), '{"name":"x","version":"1.0.0"}');
    writeFileSync(join(scratch, 'package', long), 'export {};\n');
    const tgz = join(scratch, 'x.tgz');
    const tar = spawnSync('tar', ['--format=pax', '-czf', tgz, '-C', scratch, 'package'], { encoding: 'utf8' });
    expect(tar.status, tar.stderr).toBe(0);
    const files = readTarball(tgz);
    expect([...files.keys()].sort()).toEqual([long, 'package.json']);
    expect(files.get(long)!.toString()).toBe('export {};\n');
  });

  it('names the declared paths of main, types, exports (nested conditions) and sideEffects', () => {
    const declared = declaredPaths({ name: 'x', version: '1.0.0', main: './dist/node.js', exports: { '.': { browser: { types: './dist/index.d.ts' }, default: './dist/node.js' }, './sub/*': './dist/sub/*.js', './hidden': null }, sideEffects: ['./dist/chunk-*.js'] });
    expect(declared.map((d) => `${d.field} ${d.path}`)).toEqual([
      'main ./dist/node.js',
      'exports["."]["browser"]["types"] ./dist/index.d.ts',
      'exports["."]["default"] ./dist/node.js',
      'exports["./sub/*"] ./dist/sub/*.js',
      'sideEffects[0] ./dist/chunk-*.js',
    ]);
    expect(declaredPaths({ name: 'x', version: '1.0.0', exports: { import: './a.js' } }).map((d) => d.field)).toEqual(['exports["."]["import"]']);
  });

  it('reports a missing LICENSE, declared files that are not shipped, unmatched globs and workspace ranges', () => {
    const files = ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/chunk-AB12.js', 'dist/sub/a/b.js'];
    const problems = checkTarballFiles(files, {
      name: 'x',
      version: '1.0.0',
      main: './dist/index.js',
      types: './dist/node.d.ts',
      exports: { '.': './dist/index.js', './sub/*': './dist/sub/*.js', './none/*': './dist/none/*.js' },
      sideEffects: ['./dist/chunk-*.js', './src/index.ts', '*.css'],
      dependencies: { '@disentangle/kernels': 'workspace:*', other: '1.0.0' },
    });
    expect(problems).toEqual({
      missingBasics: ['LICENSE'],
      missingDeclared: ['types → ./dist/node.d.ts', 'exports["./none/*"] → ./dist/none/*.js', 'sideEffects[1] → ./src/index.ts', 'sideEffects[2] → *.css'],
      workspaceRanges: ['dependencies.@disentangle/kernels: workspace:*'],
    });
    expect(checkTarballFiles([...files, 'LICENSE', 'dist/style.css'], { name: 'x', version: '1.0.0', sideEffects: ['*.css'] })).toEqual({ missingBasics: [], missingDeclared: [], workspaceRanges: [] });
  });

  it('names tarballs as pnpm pack does, and points overrides at the same tarballs as the dependencies', () => {
    expect(tarballName('@disentangle/cvae-gan', '0.1.0')).toBe('disentangle-cvae-gan-0.1.0.tgz');
    const packed = [{ pkg: { name: '@disentangle/kernels' }, tarball: '/tmp/x/disentangle-kernels-0.1.0.tgz' }] as PackedPackage[];
    const manifest = appManifest(packed);
    expect(manifest.dependencies['@disentangle/kernels']).toBe('file:tarballs/disentangle-kernels-0.1.0.tgz');
    expect(manifest.overrides).toEqual({ '@disentangle/kernels': 'file:tarballs/disentangle-kernels-0.1.0.tgz' });
    expect(manifest.dependencies['@tensorflow/tfjs']).toBe('4.22.0');
  });
});

describe('browser bundle checks', () => {
  const metafile: Metafile = {
    inputs: {
      'examples/x/page.mjs': { bytes: 1, imports: [{ path: 'node_modules/@disentangle/kernels/dist/index.js', kind: 'import-statement' }, { path: 'node:fs', kind: 'import-statement', external: true }] },
      'node_modules/@disentangle/kernels/dist/index.js': { bytes: 1, imports: [{ path: 'worker_threads', kind: 'import-statement', external: true }, { path: '(disabled):path', kind: 'require-call' }] },
      '(disabled):path': { bytes: 0, imports: [] },
      'node_modules/@tensorflow/tfjs-core/dist/index.js': { bytes: 1, imports: [] },
      'node_modules/@tensorflow/tfjs-core/dist/ops/add.js': { bytes: 1, imports: [] },
      'node_modules/@disentangle/flows/node_modules/@tensorflow/tfjs-core/dist/index.js': { bytes: 1, imports: [] },
    },
    outputs: {},
  };

  it('knows Node built-ins, with and without node:', () => {
    expect(['node:fs', 'fs', 'fs/promises', 'path', 'worker_threads', 'crypto', 'child_process', 'os', 'url', 'module'].every(isNodeBuiltin)).toBe(true);
    expect(['@tensorflow/tfjs-core', 'seedrandom', './fs.js', 'long'].some(isNodeBuiltin)).toBe(false);
  });

  it('finds built-ins the page reaches, leaving out the ones a browser field disabled', () => {
    expect(nodeBuiltinsIn(metafile)).toEqual(['examples/x/page.mjs imports node:fs (external)', 'node_modules/@disentangle/kernels/dist/index.js imports worker_threads (external)']);
  });

  it('groups tfjs-core inputs by where they come from (two places: two copies)', () => {
    expect([...tfjsCoreLocations(metafile)]).toEqual([
      ['node_modules/', 2],
      ['node_modules/@disentangle/flows/node_modules/', 1],
    ]);
  });

  it('tells tfjs-core code bundled into our dist/ from imports of it', () => {
    const bundled = '// ../../node_modules/.pnpm/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/kernel_registry.js\nfunction registerGradient(config) {}\n';
    expect(tfjsCoreCodeSigns('node_modules/@disentangle/kernels/dist/chunk-X.js', bundled)).toEqual(['it defines `function registerGradient(`', 'it bundles 1 tfjs-core module(s), e.g. kernel_registry.js']);
    expect(tfjsCoreCodeSigns('dist/register_all_gradients-X.js', '')).toEqual(['it is a register_all_gradients chunk']);
    expect(tfjsCoreCodeSigns('dist/index.js', 'import { registerGradient } from "@tensorflow/tfjs-core";\nregisterGradient(config);\n')).toEqual([]);
    const found = distInputsWithTfjsCore(metafile, (input) => (input.includes('kernels') ? bundled : ''));
    expect(found).toEqual(['node_modules/@disentangle/kernels/dist/index.js: it defines `function registerGradient(`; it bundles 1 tfjs-core module(s), e.g. kernel_registry.js']);
  });
});

describe('page values against node.mjs', () => {
  const expected = validateExpected({ values: { a: [1, 2, 3], b: [0.5] }, tolerance: 1e-3 });

  it('passes within the tolerance and names the worst key and index otherwise', () => {
    expect(compareValues(expected, { a: [1, 2.0005, 3], b: [0.5], extra: [9] }).ok).toBe(true);
    const off = compareValues(expected, { a: [1, 2.01, 3.1], b: [0.5] });
    expect(off.ok).toBe(false);
    expect(off.worst).toMatchObject({ key: 'a', index: 2 });
    expect(off.problems[0]).toMatch(/^"a"\[2\]: the page gave 3\.1, node\.mjs 3 /);
  });

  it('fails on a missing key, a wrong length, NaN or a non-array', () => {
    expect(compareValues(expected, { a: [1, 2, 3] }).problems).toEqual(['the page gave no "b"']);
    expect(compareValues(expected, { a: [1, 2], b: [0.5] }).problems).toEqual(['the page\'s "a" has 2 values, node.mjs\'s 3']);
    expect(compareValues(expected, { a: [1, Number.NaN, 3], b: [0.5] }).problems[0]).toMatch(/^"a"\[1\]: the page gave NaN/);
    expect(compareValues(expected, { a: 'x', b: [0.5] }).problems).toEqual(['the page\'s "a" is not a number array: "x"']);
    expect(() => validateExpected({ values: { a: [1] } })).toThrow(/tolerance/);
    expect(() => validateExpected({ tolerance: 1 })).toThrow(/values/);
  });
});

describe('static server and Chromium', () => {
  it('serves mounts in order with their content types, and nothing outside them', async () => {
    const wasm = join(scratch, 'wasm');
    const site = join(scratch, 'site');
    mkdirSync(wasm, { recursive: true });
    mkdirSync(site, { recursive: true });
    writeFileSync(join(wasm, 'tfjs-backend-wasm.wasm'), Buffer.from([0, 97, 115, 109]));
    writeFileSync(join(site, 'model.json'), '{}');
    writeFileSync(join(scratch, 'secret.txt'), 'no');
    const server = await startStaticServer({ mounts: [{ prefix: '/wasm/', dir: wasm }, { prefix: '/', dir: site }], files: { '/index.html': '<p>hi</p>' } });
    try {
      const get = async (path: string) => {
        const response = await fetch(`${server.url}${path}`);
        return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
      };
      expect(await get('/')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', body: '<p>hi</p>' });
      expect(await get('/wasm/tfjs-backend-wasm.wasm')).toMatchObject({ status: 200, type: 'application/wasm' });
      expect(await get('/model.json')).toMatchObject({ status: 200, type: 'application/json; charset=utf-8', body: '{}' });
      expect((await get('/missing.bin')).status).toBe(404);
      expect(resolveMounted([{ prefix: '/', dir: site }], '/../secret.txt')).toBeUndefined();
      expect(resolveMounted([{ prefix: '/', dir: site }], '/%2e%2e/secret.txt')).toBeUndefined();
      expect(server.notFound).toEqual(['/missing.bin']);
    } finally {
      await server.close();
    }
  });

  it('says to apt-get install chromium where it is missing', () => {
    expect(chromiumMissing('/nonexistent/chromium')).toMatch(/apt-get install chromium/);
    expect(chromiumMissing(process.execPath)).toBeUndefined();
  });
});

describe('child processes', () => {
  it('do not inherit npm\'s, turbo\'s or vitest\'s variables', () => {
    process.env.npm_config_local_prefix = '/work/main';
    process.env.npm_package_name = 'x';
    try {
      const env = userEnv({ SERVE_DIR: '/tmp/s' });
      expect(env.npm_config_local_prefix).toBeUndefined();
      expect(env.npm_package_name).toBeUndefined();
      expect(env.VITEST).toBeUndefined();
      expect(env.SERVE_DIR).toBe('/tmp/s');
      expect(env.PATH).toBe(process.env.PATH);
    } finally {
      delete process.env.npm_config_local_prefix;
      delete process.env.npm_package_name;
    }
  });

  it('attribute tsc errors to their files, continuation lines included', () => {
    const a = '/app/examples/p/a.ts';
    const output = 'examples/p/a.ts(3,1): error TS2322: Type \'string\' is not assignable\n  to type \'number\'.\nnode_modules/x/index.d.ts(1,1): error TS1005: bad\nerror TS5083: Cannot read file\n';
    const { byFile, other } = parseTscOutput('/app', [a], output);
    expect(byFile.get(a)).toEqual(["examples/p/a.ts(3,1): error TS2322: Type 'string' is not assignable", "  to type 'number'."]);
    expect(other).toEqual(['node_modules/x/index.d.ts(1,1): error TS1005: bad', 'error TS5083: Cannot read file']);
  });
});
