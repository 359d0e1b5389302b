/**
 * The packing harness's helpers, for scripts that want to run a piece of it by hand (the
 * tests in this folder are its real users). Built so that turbo's `test` → `build` → `^build`
 * chain builds every library package first.
 */
export * from './browser-example';
export * from './bundle-check';
export * from './chromium';
export * from './compare-values';
export * from './discover-examples';
export * from './discover-packages';
export * from './env';
export * from './install-app';
export * from './node-example';
export * from './pack';
export * from './package-files';
export * from './paths';
export * from './readme-examples';
export * from './run-command';
export * from './static-server';
export * from './tarball';
export * from './typecheck-examples';
export * from './workdir';
