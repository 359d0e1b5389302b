/**
 * Which image files a loader reads: every format this build of sharp (libvips) decodes from
 * a file, by extension — JPEG, PNG, WebP, TIFF, GIF, AVIF/HEIF, SVG where the build has them.
 * Asking sharp instead of keeping a list means a format is never skipped because a list
 * forgot it.
 */
import sharp from 'sharp';

/** libvips' own formats: not images a user means (its cache files). */
const INTERNAL_FORMATS = new Set(['vips', 'raw']);

let cached: Set<string> | undefined;

/** Lower-case extensions with the dot (".jpg", ".webp", ".svg.gz", …) that sharp decodes. */
export function decodableImageExtensions(): Set<string> {
  if (!cached) {
    cached = new Set<string>();
    for (const [name, format] of Object.entries(sharp.format)) {
      if (INTERNAL_FORMATS.has(name) || !format.input?.file) continue;
      for (const suffix of (format.input as { fileSuffix?: string[] }).fileSuffix ?? []) cached.add(suffix.toLowerCase());
    }
  }
  return cached;
}

/** Whether `file`'s name ends in an extension sharp decodes (".svg.gz" too). */
export function isDecodableImage(file: string): boolean {
  const lower = file.toLowerCase();
  for (const extension of decodableImageExtensions()) if (lower.endsWith(extension)) return true;
  return false;
}
