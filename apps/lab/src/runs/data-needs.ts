/**
 * Checks prepared data against what a model entry says it needs, before anything trains:
 * a model that needs labels on data without them, images for a vector model, exclusive
 * labels for a multi-label model or a missing supervision mask get one clear error each.
 */
import type { ModelEntry } from '@disentangle/kernels';
import type { PreparedData } from '@disentangle/data';

export function checkDataNeeds(entry: ModelEntry<any>, data: PreparedData): void {
  const { needs } = entry;
  const where = `model '${entry.name}' on dataset '${data.spec.dataset}'`;
  if (!needs.inputs.includes(data.input.kind)) {
    throw new Error(`${where}: the model takes ${needs.inputs.join(' or ')} inputs and these data are ${data.input.kind}s`);
  }
  const hasLabels = data.labelNames.length > 0;
  if (needs.labels !== 'none' && !hasLabels) {
    const names = data.dataset.attributeNames?.length ? `attributes ${data.dataset.attributeNames.join(', ')}` : '';
    const classNames = data.dataset.labelNames ?? [];
    // A face set has an identity class per face: name a few, and count them.
    const listed = classNames.length > 8 ? `${classNames.slice(0, 6).join(', ')}, … ${classNames.length} in all` : classNames.join(', ');
    const classes = classNames.length ? `'one-hot' for its classes (${listed})` : '';
    throw new Error(`${where}: the model needs labels; give --labels (${[names, classes].filter(Boolean).join(', or ') || 'the dataset has none'})`);
  }
  if (hasLabels) {
    const kind = data.exclusive ? 'exclusive' : 'multi-label';
    if (!needs.labelKinds.includes(kind)) throw new Error(`${where}: the model takes ${needs.labelKinds.join(' or ')} labels, and these are ${kind}`);
  }
  if (needs.labels === 'semi-supervised' && !data.labelled) {
    throw new Error(`${where}: the model is semi-supervised; give the supervision rate (--supervision 0.2 keeps 20% of the labels)`);
  }
}
