/**
 * The swiss roll of CSVAE (paper 004, §5.1 / Figure 2): 3-D points on a rolled-up sheet with
 * a binary label given by a region of the sheet.
 *
 * Geometry (scikit-learn's `make_swiss_roll`, which the paper's toy setup is built on):
 * t = 1.5π(1 + 2u) with u ~ U[0,1) (position along the roll), h = 21·v with v ~ U[0,1)
 * (height across the roll), point = (t·cos t, h, t·sin t) + optional Gaussian noise.
 *
 * Label rule — reconstructed, the paper does not state it: §5.1 only says the data separate
 * in W by label, with "points labelled 1 mapping near the origin", and Figure 2 shows the
 * whole roll in (z2, w1) with two label colours. We split the sheet into two halves across
 * its height: label 1 ⇔ h < `heightThreshold` (default 10.5, the middle, so the classes are
 * balanced; the public PyTorch re-implementation qq456cvb/CSVAE uses `y = (x[:, 1] < 10)`).
 * Because the label depends only on h while t is label-independent, an ideal CSVAE puts h in
 * W and t in Z. `rule: 'roll'` instead labels the inner half of the roll (t below its
 * midpoint 3π) — the other natural region rule — for comparison.
 */
import type { FactorSpec } from '../types';

export interface SwissRollOptions {
  /** Which region gets label 1: 'height' (h < heightThreshold; default) or 'roll' (t < 3π). */
  rule?: 'height' | 'roll';
  /** Height threshold of the 'height' rule (default 10.5, of heights in [0, 21)). */
  heightThreshold?: number;
  /** Standard deviation of isotropic Gaussian noise added to the points (default 0). */
  noise?: number;
}

export interface SwissRoll {
  /** [count, 3] points (x, y, z), y is the height axis. */
  points: Float32Array;
  /** [count] binary labels. */
  labels: Int32Array;
  /** [count, 2] generative factors (t, height). */
  factors: Float32Array;
  factorSpecs: FactorSpec[];
}

export const SWISS_ROLL_FACTORS: FactorSpec[] = [
  { name: 't', kind: 'continuous', range: [1.5 * Math.PI, 4.5 * Math.PI], role: 'style', description: 'Position along the roll (also the radius): x = t·cos t, z = t·sin t.' },
  { name: 'height', kind: 'continuous', range: [0, 21], role: 'label', description: 'Position across the roll (the y coordinate); label 1 ⇔ height < threshold under the default rule.' },
];

export function makeSwissRoll(count: number, random: () => number, options: SwissRollOptions = {}): SwissRoll {
  const rule = options.rule ?? 'height';
  const threshold = options.heightThreshold ?? 10.5;
  const noise = options.noise ?? 0;
  const points = new Float32Array(count * 3);
  const labels = new Int32Array(count);
  const factors = new Float32Array(count * 2);
  const gauss = () => {
    // Box–Muller from the uniform source.
    const u1 = Math.max(random(), 1e-12), u2 = random();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  for (let i = 0; i < count; i++) {
    const t = 1.5 * Math.PI * (1 + 2 * random());
    const h = 21 * random();
    let x = t * Math.cos(t), y = h, z = t * Math.sin(t);
    if (noise > 0) {
      x += noise * gauss();
      y += noise * gauss();
      z += noise * gauss();
    }
    points[3 * i] = x;
    points[3 * i + 1] = y;
    points[3 * i + 2] = z;
    factors[2 * i] = t;
    factors[2 * i + 1] = h;
    labels[i] = rule === 'height' ? (h < threshold ? 1 : 0) : t < 3 * Math.PI ? 1 : 0;
  }
  return { points, labels, factors, factorSpecs: SWISS_ROLL_FACTORS };
}
