/**
 * A trained paper-004 run on disk: its config.json names the model config and the data
 * spec, and the latest checkpoint holds the weights. `openCsvaeRun` rebuilds both, so
 * sample, swap, eval and reproduce work on any run `disentangle train` wrote.
 */
import { createCsvaeModel, type CsvaeConfig, type LatentSubspaceModel } from '@disentangle/csvae';
import * as tf from '@tensorflow/tfjs-core';
import { loadLatestCheckpoint, restoreCheckpoint } from '../run/checkpoints';
import { RunDirectory } from '../run/run-directory';
import { loadCsvaeData, type CsvaeData, type CsvaeDataSpec } from './csvae-data';

export interface CsvaeRunConfig extends Record<string, unknown> {
  family: 'csvae';
  model: CsvaeConfig;
  data: CsvaeDataSpec;
}

export function isCsvaeRunConfig(config: Record<string, unknown>): config is CsvaeRunConfig {
  return config.family === 'csvae' && typeof config.model === 'object' && typeof config.data === 'object';
}

export interface OpenedCsvaeRun {
  run: RunDirectory<CsvaeRunConfig>;
  model: LatentSubspaceModel;
  data: CsvaeData;
  step: number;
}

export async function openCsvaeRun(runPath: string, { loadData = true }: { loadData?: boolean } = {}): Promise<OpenedCsvaeRun> {
  const run = await RunDirectory.open(runPath);
  if (!isCsvaeRunConfig(run.config)) throw new Error(`${run.path} is not a run of a paper-004 model (config.json has no family: 'csvae')`);
  const checkpoint = await loadLatestCheckpoint(run);
  if (!checkpoint) throw new Error(`${run.path} has no checkpoint yet; train it first (disentangle train ${run.config.model.model} --name ...)`);
  const model = createCsvaeModel(run.config.model);
  try {
    await restoreCheckpoint(checkpoint, model.variables);
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    tf.dispose(checkpoint.tensors);
  }
  const data = loadData ? await loadCsvaeData(run.config.data) : (undefined as unknown as CsvaeData);
  return { run: run as RunDirectory<CsvaeRunConfig>, model, data, step: checkpoint.step };
}
