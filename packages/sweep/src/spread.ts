/** Mean and spread of one number over seeds. */
export interface Spread {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  std: number;
  n: number;
  min: number;
  max: number;
}

/** The mean ± sample std of the finite `values`; undefined when none is finite. */
export function spreadOf(values: readonly number[]): Spread | undefined {
  const finite = values.filter((v) => Number.isFinite(v));
  const n = finite.length;
  if (n === 0) return undefined;
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), n, min: Math.min(...finite), max: Math.max(...finite) };
}
