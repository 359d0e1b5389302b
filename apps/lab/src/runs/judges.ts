/**
 * The evaluation classifier ("judge") of a run's data: trained once per dataset and image
 * size on fresh draws of the same dataset (a different seed from the run's), cached, and
 * reused by `eval`, `reproduce` and `demo`.
 */
import { loadOrTrainClassifier, type MetricJudge } from '@disentangle/metrics';
import type { PreparedData } from '@disentangle/data';

export interface JudgeBudget {
  /** Adam steps of the judge. Default 1000. */
  steps?: number;
  /** Images drawn to train it (80%) and test it (20%). Default 4000. */
  count?: number;
  /** Seed of the judge's own draw. Default 1000. */
  seed?: number;
  /** The judge's dataset when it differs from the run's (e.g. a procedural generator of the same faces). */
  dataset?: string;
}

export async function judgeFor(data: PreparedData, budget: JudgeBudget = {}, log: (line: string) => void = () => {}): Promise<MetricJudge> {
  if (data.input.kind !== 'image') throw new Error('judges score images; these data are vectors');
  const dataset = budget.dataset ?? data.spec.dataset;
  // Mixed labels (a class and attributes, e.g. identity + Eyeglasses) need both heads, trained on
  // fresh images of the run's own identities (the same identity seed, the judge's own image seed).
  const task = data.exclusive ? 'label' : (data.classColumns ?? 0) > 0 ? 'label+attributes' : 'attributes';
  // A class label that keeps only the drawn classes (faces' identities) is judged on fresh images of those same classes.
  const drawnClasses = task === 'label+attributes' || (task === 'label' && data.labelNames.length < (data.dataset.labelNames?.length ?? 0));
  log(`judge for ${dataset} (${task}): loading or training (${budget.steps ?? 1000} steps)`);
  const judge = await loadOrTrainClassifier({
    dataset,
    task,
    steps: budget.steps ?? 1000,
    data: { size: data.input.size, count: budget.count ?? 4000, seed: budget.seed ?? 1000, dir: data.spec.dir, ...(drawnClasses && data.spec.identities ? { identities: data.spec.identities, identitySeed: data.spec.identitySeed ?? data.spec.seed ?? 0 } : {}) },
  });
  return { classifier: judge.classifier, name: judge.metadata.name, accuracy: judge.metadata.accuracy };
}
