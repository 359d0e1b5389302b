/**
 * The training options of a run, checked before anything is written (issue 15, item 9): a
 * `--learning-rate abc` used to leave a config.json behind that refused the corrected command.
 * Each error names the option and the value.
 */
export interface TrainingOptionValues {
  steps: number;
  batch?: number;
  learningRate?: number;
  seconds?: number;
  checkpointEvery?: number;
  fromStep?: number;
  seed: number;
}

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

export function checkTrainingOptions(o: TrainingOptionValues): void {
  const positiveInteger = { steps: o.steps, batch: o.batch, checkpointEvery: o.checkpointEvery } as const;
  const flags = { steps: '--steps', batch: '--batch', checkpointEvery: '--checkpoint-every', learningRate: '--learning-rate', seconds: '--seconds', fromStep: '--from-step', seed: '--seed' } as const;
  for (const [name, value] of Object.entries(positiveInteger)) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) throw new Error(`${flags[name as keyof typeof flags]} must be a positive integer, got ${describe(value)}`);
  }
  if (o.learningRate !== undefined && !(typeof o.learningRate === 'number' && Number.isFinite(o.learningRate) && o.learningRate > 0)) {
    throw new Error(`--learning-rate must be a positive number (e.g. 1e-3), got ${describe(o.learningRate)}`);
  }
  if (o.seconds !== undefined && !(typeof o.seconds === 'number' && Number.isFinite(o.seconds) && o.seconds > 0)) throw new Error(`--seconds must be a positive number, got ${describe(o.seconds)}`);
  if (o.fromStep !== undefined && !(Number.isSafeInteger(o.fromStep) && o.fromStep >= 0)) throw new Error(`--from-step must be a non-negative integer, got ${describe(o.fromStep)}`);
  if (o.fromStep !== undefined && o.fromStep > o.steps) throw new Error(`--from-step ${o.fromStep} is after --steps ${o.steps}`);
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) throw new Error(`--seed must be a non-negative integer, got ${describe(o.seed)}`);
}
