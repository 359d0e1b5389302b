/**
 * `disentangle eval <run-dir>` for a paper-004 run: Table 1's attribute-switch accuracy
 * (and Table 2's identity MSE where the data carry identities), judged by the cached or
 * newly trained evaluation classifier of the run's dataset, written as metrics.json/.md.
 */
import { loadOrTrainClassifier, metricsReport, type MetricRow } from '@disentangle/metrics';
import { openCsvaeRun } from './trained-run';
import { evaluateImageModel } from './reproduce-csvae';

export async function evaluateCsvaeRun(
  runDir: string,
  { judgeSteps = 1000, judgeCount = 4000 }: { judgeSteps?: number; judgeCount?: number } = {},
): Promise<{ rows: MetricRow[]; markdown: string }> {
  const { run, model, data, step } = await openCsvaeRun(runDir);
  try {
    if (data.input.kind !== 'image') throw new Error(`${run.path}: eval measures image models; the swiss roll's numbers come from \`disentangle reproduce csvae\``);
    const spec = run.config.data as { dataset: string; dir?: string; size?: number };
    const judge = await loadOrTrainClassifier({
      dataset: spec.dataset, task: data.exclusive ? 'label' : 'attributes', steps: judgeSteps,
      data: { size: data.input.size, count: judgeCount, seed: 1000, dir: spec.dir },
    });
    const result = await evaluateImageModel(model, data, judge.classifier, { groundTruth: Boolean(data.dataset.factors) });
    judge.classifier.dispose();
    const command = `disentangle eval ${runDir}`;
    const common = { paper: '004', model: model.name, command };
    const rows: MetricRow[] = [
      { ...common, name: 'attribute-switch accuracy', value: result.switchAccuracy, n: result.switchCount, judge: judge.metadata.name, judgeAccuracy: judge.metadata.accuracy, higherIsBetter: true, notes: `step ${step}` },
    ];
    if (result.identityMse !== undefined) rows.push({ ...common, name: 'identity MSE', value: result.identityMse, n: result.identityPairs, higherIsBetter: false });
    if (result.removalCounterfactualMse !== undefined && Number.isFinite(result.removalCounterfactualMse)) {
      rows.push({ ...common, name: 'removal counterfactual MSE', value: result.removalCounterfactualMse, higherIsBetter: false, notes: 'beyond the paper: against the generator\'s rendering with the attribute removed' });
    }
    if (result.mig !== undefined) rows.push({ ...common, name: 'MIG', value: result.mig, higherIsBetter: true, notes: 'beyond the paper' });
    if (result.dci !== undefined) rows.push({ ...common, name: 'DCI disentanglement', value: result.dci, higherIsBetter: true, notes: 'beyond the paper' });
    const paths = await metricsReport(run.path, rows, { command, title: `${model.name} on ${spec.dataset}, step ${step}` });
    return { rows, markdown: paths.markdown };
  } finally {
    model.dispose();
  }
}
