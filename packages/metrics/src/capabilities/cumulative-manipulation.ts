/**
 * Paper 003's "Cumulative conditions interfering test" (§4.3, Table 3): attributes are changed
 * one after another (Fig. 4), and after each step "we calculate the last-step and this-step
 * mean probability of L−1 attributes except for the changed one ... take the absolute value of
 * the difference". A stable model moves only the attribute it is asked to move.
 *
 * Step s sets attribute sequence[s−1] to 1 − its value in the row, keeping the earlier steps'
 * changes. Rows that start with the same values on the sequence get the same changes, so each
 * group goes to `manipulate` as its own batches.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AttributeChange, GenerativeModel, ManipulatesAttributes, SeededRandom, SwitchReference } from '@disentangle/kernels';
import { mapBatches, type PreparedData } from '@disentangle/data';
import { cumulativeAmpChange } from '../swap-metrics';
import { askedAttributes, type LabelLayout } from './label-layout';

export interface ManipulatedSteps {
  /** Images [rows.length, steps + 1, ...input] (flat, row-major; step 0 the start). */
  images: Float32Array;
  /** The new value of the step's attribute, [rows.length, steps]. */
  targets: Uint8Array;
}

/** Each row manipulated along `sequence` (attribute indices into the layout), every step kept. */
export async function manipulateRows(
  model: GenerativeModel & ManipulatesAttributes,
  data: PreparedData,
  layout: LabelLayout,
  rows: number[],
  sequence: number[],
  random: SeededRandom,
  reference?: SwitchReference,
): Promise<ManipulatedSteps> {
  const l = layout.attributeNames.length;
  const start = askedAttributes(data, layout, rows);
  const steps = sequence.length;
  const targets = new Uint8Array(rows.length * steps);
  const groups = new Map<string, number[]>();
  rows.forEach((_, r) => {
    sequence.forEach((a, s) => (targets[r * steps + s] = 1 - start[r * l + a]));
    const key = Array.from(targets.subarray(r * steps, (r + 1) * steps)).join('');
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  });
  const width = data.dataset.height * data.dataset.width * data.dataset.channels * (steps + 1);
  const images = new Float32Array(rows.length * width);
  for (const members of groups.values()) {
    const r0 = members[0];
    const changes: AttributeChange[] = sequence.map((a, s) => ({ label: layout.classColumns + a, value: targets[r0 * steps + s] as 0 | 1 }));
    const out = await mapBatches(data, members.map((r) => rows[r]), (batch) => {
      const outputs = model.manipulate(batch, changes, random, reference);
      if (outputs.length !== steps + 1) throw new Error(`model '${model.name}': manipulate returned ${outputs.length} images per row for ${steps} changes (expected ${steps + 1})`);
      return tf.stack(outputs, 1);
    });
    members.forEach((r, m) => images.set(out.subarray(m * width, (m + 1) * width), r * width));
  }
  return { images, targets };
}

/**
 * Table 3's numbers from the judge's probabilities of the manipulated images, [n, steps + 1, L]:
 * per step s (1-based) `step{s}` = mean |AMP over l ≠ changed_s at s − at s−1| (swap-metrics'
 * `cumulativeAmpChange`); `changed{s}` = fraction of images where the judge sees the changed
 * attribute at its new value, so a model that changes nothing cannot look stable;
 * `cumulative{s}` = mean |AMP over the attributes unchanged in steps 1..s, at s − at 0| (absent
 * once every attribute has been changed).
 */
export function manipulationDetails(probabilities: Float32Array, targets: Uint8Array, sequence: number[], l: number): Record<string, number> {
  const steps = sequence.length;
  const n = targets.length / steps;
  const perStep = Array.from({ length: steps + 1 }, (_, s) => {
    const p = new Float32Array(n * l);
    for (let r = 0; r < n; r++) p.set(probabilities.subarray((r * (steps + 1) + s) * l, (r * (steps + 1) + s + 1) * l), r * l);
    return p;
  });
  const stepChanges = cumulativeAmpChange(perStep, sequence, l);
  const details: Record<string, number> = {};
  for (let s = 1; s <= steps; s++) {
    const changed = sequence[s - 1];
    details[`step${s}`] = stepChanges[s - 1];
    let seen = 0;
    for (let r = 0; r < n; r++) if ((perStep[s][r * l + changed] > 0.5 ? 1 : 0) === targets[r * steps + s - 1]) seen++;
    details[`changed${s}`] = seen / Math.max(1, n);
    const untouched = Array.from({ length: l }, (_, a) => a).filter((a) => !sequence.slice(0, s).includes(a));
    if (untouched.length === 0) continue;
    let total = 0;
    for (let r = 0; r < n; r++) total += Math.abs(untouched.reduce((sum, a) => sum + perStep[s][r * l + a] - perStep[0][r * l + a], 0)) / untouched.length;
    details[`cumulative${s}`] = total / Math.max(1, n);
  }
  return details;
}
