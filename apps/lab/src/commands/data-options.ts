/**
 * The data options every model command shares (--dataset, --labels, --subset, --supervision,
 * --count, --size, --identities, --dir), parsed into a `DataSpec` of @disentangle/data.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { DATASETS, type DataSpec } from '@disentangle/data';
import { parsePositiveInt } from './common-options';

export interface DataOptions {
  dataset: string;
  labels?: string;
  subset?: string[];
  supervision?: number;
  count: number;
  size?: number;
  identities?: number;
  dir?: string;
}

/** 'Eyeglasses:2' → keep every example with Eyeglasses and twice as many without. */
export function parseSubset(value: string, previous: string[] = []): string[] {
  const [attribute, ratio, extra] = value.split(':');
  if (!attribute || extra !== undefined || !(Number(ratio) >= 0)) throw new InvalidArgumentError(`expected ATTRIBUTE:NEGATIVES_PER_POSITIVE (e.g. Eyeglasses:2), got '${value}'`);
  return [...previous, value];
}

function parseFraction(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError(`expected a fraction in (0, 1], got '${value}'`);
  return n;
}

export function withDataOptions(command: Command, { count = 6000 }: { count?: number } = {}): Command {
  return command
    .option('--dataset <name>', 'a dataset of the registry: faces, face-expressions, chairs, sprites, coloured-digits, swiss-roll, mnist, fashion-mnist; celeba, chairs, folder, idx with --dir', 'faces')
    .option('--labels <names>', "the labels y: comma-separated binary attributes (e.g. Eyeglasses,Beard), 'one-hot' for the class label, or both ('one-hot,Eyeglasses': a face's identity and its glasses); none by default")
    .option('--subset <attr:ratio>', "paper subsets: every example with attr and ratio× as many without (repeatable)", parseSubset)
    .option('--supervision <fraction>', 'semi-supervised: keep this fraction of each label pattern (e.g. 0.2)', parseFraction)
    .option('--count <n>', 'examples to draw (procedural) or load at most (real); 80% train, 10% validation, 10% test', parsePositiveInt, count)
    .option('--size <n>', 'image side (procedural sets render at it, real sets resize to it)', parsePositiveInt)
    .option('--identities <n>', 'procedural faces: number of identities', parsePositiveInt)
    .option('--dir <path>', 'directory of a real dataset (celeba, chairs, folder, idx)');
}

/** Procedural image sets that can render 32×32 train at 32 unless told otherwise (their own default is 64). */
function defaultsTo32(options: DataOptions): boolean {
  if (options.dir) return false;
  const generator = DATASETS.resolve(options.dataset).generator;
  return Boolean(generator?.sizes.includes(32));
}

export function dataSpecFrom(options: DataOptions, seed: number): DataSpec {
  const labels = options.labels === undefined ? undefined : options.labels === 'one-hot' ? ('one-hot' as const) : options.labels.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    dataset: options.dataset,
    count: options.count,
    seed,
    ...(options.size !== undefined ? { size: options.size } : defaultsTo32(options) ? { size: 32 } : {}),
    ...(options.identities !== undefined ? { identities: options.identities } : {}),
    ...(options.dir !== undefined ? { dir: options.dir } : {}),
    ...(labels !== undefined ? { labels } : {}),
    ...(options.subset?.length ? { subsets: options.subset.map((s) => ({ attribute: s.split(':')[0], negativesPerPositive: Number(s.split(':')[1]) })) } : {}),
    ...(options.supervision !== undefined ? { supervision: options.supervision } : {}),
  };
}

/** 'zDim=8' → ['zDim', 8]: values parse as JSON when they can ('[16,32]', 'true', '0.5'), else stay strings. */
export function parseSetting(value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected NAME=VALUE (e.g. zDim=8), got '${value}'`);
  const name = value.slice(0, eq).trim();
  const text = value.slice(eq + 1).trim();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // a plain string
  }
  const path = name.split('.');
  const out: Record<string, unknown> = { ...previous };
  let node = out;
  for (const key of path.slice(0, -1)) {
    node[key] = { ...((node[key] as Record<string, unknown>) ?? {}) };
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = parsed;
  return out;
}
