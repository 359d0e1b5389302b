/**
 * A progress bar for long work: steps done, steps/s, ETA and the latest losses.
 * On a terminal it redraws one line; elsewhere (CI logs, pipes) it prints a plain line
 * every `logEvery` percent so logs stay readable.
 */
export interface ProgressOptions {
  label: string;
  total: number;
  /** Step the bar starts from (a resumed run). */
  start?: number;
  stream?: NodeJS.WriteStream;
  /** Non-TTY: print a line each time this many percent more are done (default 10) ... */
  logEvery?: number;
  /** ... or when this many seconds have passed since the last line (default 15). */
  logSeconds?: number;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function formatValues(values: Record<string, number>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k} ${Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4)}`)
    .join('  ');
}

export class ProgressBar {
  private readonly options: Required<Omit<ProgressOptions, 'stream'>> & { stream: NodeJS.WriteStream };
  private readonly startedAt = Date.now();
  private readonly startStep: number;
  private lastLoggedPercent = -1;
  private lastDraw = Date.now();
  private current: number;

  constructor(options: ProgressOptions) {
    this.options = {
      ...options,
      start: options.start ?? 0,
      logEvery: options.logEvery ?? 10,
      logSeconds: options.logSeconds ?? 15,
      stream: options.stream ?? process.stderr,
    };
    this.startStep = this.options.start;
    this.current = this.startStep;
  }

  private get isTty(): boolean {
    return Boolean(this.options.stream.isTTY);
  }

  /** Steps per second since this bar started (resumed steps excluded). */
  get rate(): number {
    const seconds = (Date.now() - this.startedAt) / 1000;
    return seconds > 0 ? (this.current - this.startStep) / seconds : 0;
  }

  update(step: number, values: Record<string, number> = {}): void {
    this.current = step;
    const { total, label, stream } = this.options;
    const fraction = total > 0 ? Math.min(1, step / total) : 1;
    const rate = this.rate;
    const eta = rate > 0 ? (total - step) / rate : Infinity;
    const text = `${label} ${step}/${total} ${rate.toFixed(1)} steps/s ETA ${formatDuration(eta)}  ${formatValues(values)}`;
    if (this.isTty) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && step < total) return;
      this.lastDraw = now;
      const width = 24;
      const filled = Math.round(fraction * width);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
      stream.write(`\r${bar} ${text}`.slice(0, (stream.columns ?? 120) - 1).padEnd(Math.min(119, (stream.columns ?? 120) - 1)));
    } else {
      const percent = Math.floor(fraction * 100);
      const now = Date.now();
      const crossed = percent >= this.lastLoggedPercent + this.options.logEvery || (step >= total && percent !== this.lastLoggedPercent);
      if (crossed || now - this.lastDraw >= this.options.logSeconds * 1000) {
        this.lastLoggedPercent = percent;
        this.lastDraw = now;
        stream.write(`${text}\n`);
      }
    }
  }

  finish(message?: string): void {
    if (this.isTty) this.options.stream.write('\n');
    if (message) this.options.stream.write(`${message}\n`);
  }
}
