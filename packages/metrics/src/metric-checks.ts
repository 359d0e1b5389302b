/**
 * The `unavailable` checks metrics share: each says why a metric cannot be computed on these
 * data (a sentence for `disentangle eval` to print), or undefined when it can.
 */
import type { PreparedData } from '@disentangle/data';
import { labelLayout } from './capabilities/label-layout';

export type DataCheck = (data: PreparedData) => string | undefined;

export const needLabels: DataCheck = (data) => (data.labelNames.length === 0 ? 'the data have no labels' : undefined);
export const needImages: DataCheck = (data) => (data.input.kind !== 'image' ? 'a judge scores images; these data are vectors' : undefined);
export const needFactors: DataCheck = (data) => (!data.dataset.factors || !data.dataset.factorSpecs ? `'${data.spec.dataset}' has no ground-truth factors` : undefined);

/** Mixed labels: a one-hot class (an identity) and binary attributes, as paper 003's CelebA conditions. */
export const needMixedLabels: DataCheck = (data) =>
  labelLayout(data).kind === 'mixed'
    ? undefined
    : `needs mixed labels (a one-hot class such as an identity, then binary attributes: classColumns > 0); these data have ${describeLabels(data)}`;

/** At least `min` binary attribute columns in y. */
export const needAttributes =
  (min: number, why: string): DataCheck =>
  (data) =>
    labelLayout(data).attributeNames.length >= min ? undefined : `needs at least ${min} binary attribute column${min > 1 ? 's' : ''} in the labels (${why}); these data have ${describeLabels(data)}`;

/** The first reason any check gives. */
export const first =
  (...checks: DataCheck[]): DataCheck =>
  (data) =>
    checks.map((c) => c(data)).find(Boolean);

function describeLabels(data: PreparedData): string {
  const layout = labelLayout(data);
  if (layout.kind === 'none') return 'no labels';
  if (layout.kind === 'class') return `exclusive labels only (${layout.classNames.length} classes)`;
  if (layout.kind === 'attributes') return `binary attributes only (${layout.attributeNames.join(', ')})`;
  return `${layout.classNames.length} classes and the attributes ${layout.attributeNames.join(', ') || '(none)'}`;
}
