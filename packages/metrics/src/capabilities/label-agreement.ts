/**
 * Whether judged images show the labels they were asked for (paper 003 Table 1 "Acc",
 * Table 2 "Accuracy"): top-1 class agreement, and per binary attribute the agreement of the
 * judge's decision p_l > 0.5 with the asked value.
 */

/** Fraction of images whose judged class equals the asked one; per asked class in `perClass` (NaN where none was asked). */
export function classAgreement(judged: Int32Array, asked: ArrayLike<number>, classNames: string[]): { value: number; perClass: Record<string, number> } {
  const hits = new Float64Array(classNames.length);
  const total = new Float64Array(classNames.length);
  let correct = 0;
  for (let i = 0; i < asked.length; i++) {
    total[asked[i]]++;
    if (judged[i] === asked[i]) {
      hits[asked[i]]++;
      correct++;
    }
  }
  return {
    value: correct / Math.max(1, asked.length),
    perClass: Object.fromEntries(classNames.map((name, c) => [name, total[c] ? hits[c] / total[c] : Number.NaN])),
  };
}

/**
 * Per attribute, the fraction of images with [p_l > 0.5] = asked_l; `mean` over attributes,
 * which is the mean over images and attributes (every image is judged on every attribute).
 * `probabilities` and `asked` are [n, L].
 */
export function attributeAgreement(probabilities: Float32Array, asked: Uint8Array, attributeNames: string[]): { mean: number; perAttribute: Record<string, number> } {
  const l = attributeNames.length;
  const n = asked.length / l;
  const hits = new Float64Array(l);
  for (let i = 0; i < n; i++) for (let a = 0; a < l; a++) if ((probabilities[i * l + a] > 0.5 ? 1 : 0) === asked[i * l + a]) hits[a]++;
  const per = Array.from(hits, (h) => h / Math.max(1, n));
  return { mean: per.reduce((s, v) => s + v, 0) / Math.max(1, l), perAttribute: Object.fromEntries(attributeNames.map((name, a) => [name, per[a]])) };
}
