/**
 * A training run's directory, `runs/<name>/`:
 *
 * ```
 * runs/<name>/config.json      the run's configuration (written atomically)
 * runs/<name>/metrics.jsonl    one JSON object per line: { step, time, ...numbers }
 * runs/<name>/images/          sample grids, loss curves
 * runs/<name>/checkpoints/     step-<8 digits>/ checkpoints and latest.json (see checkpoints.ts)
 * ```
 *
 * `RunDirectory.create` starts a run or resumes one of the same name. Resuming checks that
 * the saved config agrees with the new one in every field that changes what is computed;
 * fields that only say how long to train or how often to log (`RESUMABLE_CONFIG_KEYS`) may
 * differ, and the new values are recorded.
 */
import { writeFileAtomic } from '@disentangle/kernels';
import * as fs from 'node:fs/promises';
import path from 'node:path';

export const CONFIG_FILE = 'config.json';
/** Where a forced resume keeps the config the run had before. */
export const PREVIOUS_CONFIG_FILE = 'config.previous.json';
export const METRICS_FILE = 'metrics.jsonl';
export const IMAGES_DIR = 'images';
export const CHECKPOINTS_DIR = 'checkpoints';

/**
 * Top-level config fields a resumed run may change: they set how long the run trains and
 * how it is observed or executed, not what a step computes.
 */
export const RESUMABLE_CONFIG_KEYS: readonly string[] = [
  'steps',
  'epochs',
  'backend',
  'threads',
  'logEvery',
  'sampleEvery',
  'evalEvery',
  'checkpointEvery',
  'keepCheckpoints',
];

export type RunConfig = Record<string, unknown>;

export interface CreateRunOptions {
  /** Resume even when the saved config differs in fields that matter (the new config is saved). */
  force?: boolean;
  /**
   * What a `ConfigMismatchError` tells the user to do; a CLI names its own flags here.
   * Default: another run name, or `force: true`.
   */
  mismatchAdvice?: string;
  /** Fields allowed to differ on resume (top-level names or dotted paths). Default `RESUMABLE_CONFIG_KEYS`. */
  resumableKeys?: readonly string[];
}

/** One line of metrics.jsonl. Non-finite numbers survive the round trip (stored as "NaN", "Infinity"). */
export interface MetricsRecord {
  step: number;
  /** Milliseconds since the Unix epoch when the record was appended. */
  time: number;
  [name: string]: number;
}

export type MetricsInput = { step: number; time?: number } & Record<string, number>;

/** A differing config field: its dotted path and both values (undefined where absent). */
export interface ConfigDifference {
  key: string;
  saved: unknown;
  current: unknown;
}

/** The library's advice on a config mismatch: the options `RunDirectory.create` really has. */
export const DEFAULT_MISMATCH_ADVICE =
  'Use another run name, or pass `force: true` to RunDirectory.create to continue with the new config (the old one is kept in config.previous.json).';

/** Thrown when resuming a run whose saved config differs in fields that matter. */
export class ConfigMismatchError extends Error {
  constructor(
    readonly runPath: string,
    readonly differences: ConfigDifference[],
    advice = DEFAULT_MISMATCH_ADVICE,
  ) {
    const list = differences
      .map((d) => `  ${d.key}: saved ${formatValue(d.saved)}, now ${formatValue(d.current)}`)
      .join('\n');
    super(`cannot resume run ${runPath}: its config differs in ${differences.map((d) => d.key).join(', ')}\n${list}\n${advice}`);
    this.name = 'ConfigMismatchError';
  }

  get keys(): string[] {
    return this.differences.map((d) => d.key);
  }
}

function formatValue(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The config as it will read back from JSON (undefined fields dropped), or a clear error. */
function normaliseConfig(config: RunConfig): RunConfig {
  if (!isPlainObject(config)) throw new Error('a run config must be a plain object');
  let text: string;
  try {
    text = JSON.stringify(config);
  } catch (error) {
    throw new Error(`the run config is not JSON-serialisable: ${(error as Error).message}`);
  }
  return JSON.parse(text) as RunConfig;
}

/**
 * The fields (dotted paths into nested objects; arrays compare whole) where `saved` and
 * `current` differ, leaving out those listed in `ignore` (a name matches a top-level key or
 * a full dotted path).
 */
export function configDifferences(
  saved: RunConfig,
  current: RunConfig,
  ignore: readonly string[] = RESUMABLE_CONFIG_KEYS,
): ConfigDifference[] {
  const ignored = new Set(ignore);
  const differences: ConfigDifference[] = [];
  const walk = (a: unknown, b: unknown, prefix: string): void => {
    if (isPlainObject(a) && isPlainObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const key of keys) {
        const dotted = prefix === '' ? key : `${prefix}.${key}`;
        if (ignored.has(dotted)) continue;
        walk(a[key], b[key], dotted);
      }
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      differences.push({ key: prefix, saved: a, current: b });
    }
  };
  walk(normaliseConfig(saved), normaliseConfig(current), '');
  return differences;
}

async function readJsonFile(file: string): Promise<unknown> {
  const text = await fs.readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`cannot parse ${file}: ${(error as Error).message}`);
  }
}

/**
 * Fails with a clear error when `dir` or one of its ancestors exists as something other than
 * a directory (a file passed as the runs directory), instead of a raw ENOTDIR later.
 */
async function assertDirectoryPath(dir: string): Promise<void> {
  for (let current = dir; ; current = path.dirname(current)) {
    try {
      const stat = await fs.stat(current);
      if (!stat.isDirectory()) {
        throw new Error(current === dir ? `run directory ${dir} is a file, not a directory` : `cannot use run directory ${dir}: ${current} is a file, not a directory`);
      }
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    }
    if (path.dirname(current) === current) return;
  }
}

function assertRunName(name: string): void {
  if (name === '' || name === '.' || name === '..' || /[\\/]/.test(name) || name.startsWith('.')) {
    throw new Error(`invalid run name ${JSON.stringify(name)}: use a plain directory name (no slashes, not starting with '.')`);
  }
}

function encodeNumber(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

function decodeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}

/** Parses one metrics line; undefined for a malformed line (a crash cut it short). */
function parseMetricsLine(line: string): MetricsRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed)) return undefined;
  const record: Record<string, number> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const n = decodeNumber(value);
    if (n === undefined) return undefined;
    record[key] = n;
  }
  if (!Number.isInteger(record.step) || typeof record.time !== 'number') return undefined;
  return record as MetricsRecord;
}

export class RunDirectory<C extends RunConfig = RunConfig> {
  /** Whether the metrics file is known to end in a newline (checked once per instance). */
  private metricsTailChecked = false;

  private constructor(
    /** Absolute path of `runs/<name>/`. */
    readonly path: string,
    /** The run's config as saved in config.json. */
    readonly config: C,
    /** True when this run existed before (`create` resumed it, or `open`). */
    readonly resumed: boolean,
  ) {}

  /**
   * Creates `<root>/<name>/` with its config, or resumes the run already there. A resume
   * whose config differs from the saved one in fields that matter throws a
   * `ConfigMismatchError` listing them, unless `force` is set; differences only in
   * `resumableKeys` are accepted and the new config is saved.
   */
  static async create<C extends RunConfig>(
    root: string,
    name: string,
    config: C,
    options: CreateRunOptions = {},
  ): Promise<RunDirectory<C>> {
    assertRunName(name);
    const runPath = path.resolve(root, name);
    await assertDirectoryPath(runPath);
    const normalised = normaliseConfig(config) as C;
    const configPath = path.join(runPath, CONFIG_FILE);
    let saved: RunConfig | undefined;
    try {
      const value = await readJsonFile(configPath);
      if (!isPlainObject(value)) throw new Error(`${configPath} does not hold a JSON object`);
      saved = value;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }

    await fs.mkdir(path.join(runPath, IMAGES_DIR), { recursive: true });
    await fs.mkdir(path.join(runPath, CHECKPOINTS_DIR), { recursive: true });
    const text = `${JSON.stringify(normalised, null, 2)}\n`;
    if (saved === undefined) {
      await writeFileAtomic(configPath, text);
      return new RunDirectory(runPath, normalised, false);
    }
    const differences = configDifferences(saved, normalised, options.resumableKeys ?? RESUMABLE_CONFIG_KEYS);
    if (differences.length > 0) {
      if (!options.force) throw new ConfigMismatchError(runPath, differences, options.mismatchAdvice);
      await writeFileAtomic(path.join(runPath, PREVIOUS_CONFIG_FILE), `${JSON.stringify(saved, null, 2)}\n`);
    }
    if (JSON.stringify(saved) !== JSON.stringify(normalised)) await writeFileAtomic(configPath, text);
    return new RunDirectory(runPath, normalised, true);
  }

  /** Same as `create`: starts the run, or resumes the one already at `<root>/<name>/`. */
  static openOrCreate<C extends RunConfig>(
    root: string,
    name: string,
    config: C,
    options: CreateRunOptions = {},
  ): Promise<RunDirectory<C>> {
    return RunDirectory.create(root, name, config, options);
  }

  /** Opens an existing run directory (for eval, sample, ...). */
  static async open<C extends RunConfig = RunConfig>(runPath: string): Promise<RunDirectory<C>> {
    const absolute = path.resolve(runPath);
    await assertDirectoryPath(absolute);
    const configPath = path.join(absolute, CONFIG_FILE);
    let value: unknown;
    try {
      value = await readJsonFile(configPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(`not a run directory: ${absolute} (no ${CONFIG_FILE})`);
      }
      throw error;
    }
    if (!isPlainObject(value)) throw new Error(`${configPath} does not hold a JSON object`);
    return new RunDirectory(absolute, value as C, true);
  }

  /** The run's name (its directory's name). */
  get name(): string {
    return path.basename(this.path);
  }

  get configPath(): string {
    return path.join(this.path, CONFIG_FILE);
  }

  get metricsPath(): string {
    return path.join(this.path, METRICS_FILE);
  }

  get imagesDir(): string {
    return path.join(this.path, IMAGES_DIR);
  }

  get checkpointsDir(): string {
    return path.join(this.path, CHECKPOINTS_DIR);
  }

  /**
   * Appends one line `{ step, time, ...numbers }` to metrics.jsonl; `time` defaults to now
   * (ms since the epoch). If a crash cut the file's last line short (no final newline), that
   * partial line is removed first: it was never a complete record, and left in place it would
   * become a bad line in the middle of the file.
   */
  async appendMetrics(record: MetricsInput): Promise<void> {
    const { step, time = Date.now(), ...numbers } = record;
    if (!Number.isInteger(step) || step < 0) throw new Error(`appendMetrics: step must be a non-negative integer, got ${step}`);
    const line: Record<string, number | string> = { step, time };
    for (const [key, value] of Object.entries(numbers)) {
      if (typeof value !== 'number') throw new Error(`appendMetrics: "${key}" must be a number, got ${typeof value}`);
      line[key] = encodeNumber(value);
    }
    if (!this.metricsTailChecked) {
      await this.dropPartialLastLine();
      this.metricsTailChecked = true;
    }
    await fs.appendFile(this.metricsPath, `${JSON.stringify(line)}\n`);
  }

  /** Truncates metrics.jsonl after its last newline (nothing to do when it ends in one, or is absent). */
  private async dropPartialLastLine(): Promise<void> {
    let text: Buffer;
    try {
      text = await fs.readFile(this.metricsPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (text.length === 0 || text[text.length - 1] === 0x0a) return;
    await fs.truncate(this.metricsPath, text.lastIndexOf(0x0a) + 1);
  }

  /**
   * The records in metrics.jsonl, in file order. Only the last line may fail to parse (a
   * crash cut the last write short): it is dropped. A bad line anywhere else means the file
   * was damaged or edited, and is an error naming the file and the line, rather than a
   * silently shorter history. A run with no metrics yet gives [].
   */
  async readMetrics(): Promise<MetricsRecord[]> {
    let text: string;
    try {
      text = await fs.readFile(this.metricsPath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`cannot read ${this.metricsPath}: ${(error as Error).message}`);
    }
    const lines = text.split('\n');
    let last = lines.length - 1;
    while (last >= 0 && lines[last].trim() === '') last--;
    const records: MetricsRecord[] = [];
    for (let i = 0; i <= last; i++) {
      if (lines[i].trim() === '') continue;
      const record = parseMetricsLine(lines[i]);
      if (record) records.push(record);
      else if (i !== last) {
        throw new Error(`${this.metricsPath}:${i + 1}: not a metrics record (${JSON.stringify(lines[i].slice(0, 60))}); only the last line may be cut short by a crash. Repair or delete the line.`);
      }
    }
    return records;
  }

  /**
   * Drops the records logged after `step` (rewriting metrics.jsonl atomically). Call it when
   * resuming from a checkpoint at `step`, so steps replayed after a crash are not logged twice.
   */
  async discardMetricsAfter(step: number): Promise<number> {
    const records = await this.readMetrics();
    const kept = records.filter((r) => r.step <= step);
    const text = kept
      .map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, encodeNumber(v)]))))
      .map((line) => `${line}\n`)
      .join('');
    await writeFileAtomic(this.metricsPath, text);
    this.metricsTailChecked = true;
    return records.length - kept.length;
  }
}
