/**
 * Decodes a list of image files into one NHWC Float32Array, a few at a time (sharp decodes on
 * libuv's thread pool). Every image must come out at the same size, else an error names the file.
 */
import { readImageFile, type DecodeOptions } from './image-io';

export async function decodeImageFiles(
  paths: string[],
  options: Omit<DecodeOptions, 'source'> & { channels: 1 | 3 },
  concurrency = 4,
): Promise<{ images: Float32Array; height: number; width: number }> {
  if (paths.length === 0) throw new Error('decodeImageFiles: no image files');
  const first = await readImageFile(paths[0], options);
  const pixels = first.data.length;
  const images = new Float32Array(paths.length * pixels);
  images.set(first.data, 0);
  let next = 1;
  let failed = false;
  const worker = async () => {
    while (next < paths.length && !failed) {
      const i = next++;
      const image = await readImageFile(paths[i], options).catch((error: unknown) => {
        failed = true;
        throw error;
      });
      if (image.height !== first.height || image.width !== first.width) {
        failed = true;
        throw new Error(`${paths[i]}: decoded to ${image.width}×${image.height}, but ${paths[0]} to ${first.width}×${first.height}; pass a size (and crop) so every image matches`);
      }
      images.set(image.data, i * pixels);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  return { images, height: first.height, width: first.width };
}
