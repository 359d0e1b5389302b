/** Where the workspace is, from this file (apps/packaging/src/): the packages it checks live under `<repo>/packages`. */
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PACKAGES_ROOT = fileURLToPath(new URL('../../../packages/', import.meta.url));
export const FIXTURES_ROOT = fileURLToPath(new URL('../test-fixtures/', import.meta.url));
