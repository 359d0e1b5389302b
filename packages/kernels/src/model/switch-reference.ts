/**
 * The simplest switch reference (capabilities.ts, `SwitchReference`): per label, the mean
 * code of the reference examples with it on and off. Glow + pre-store's stored features
 * (paper 003) and any model whose switch does not need the reference still return one.
 */
/** Per label k, the mean code of the rows with it on and off (Glow + pre-store's stored features). */
export function meanCodesByLabel(codes: Float32Array, labels: Float32Array, width: number, labelCount: number): { presentMean: number[][]; absentMean: number[][] } {
  const n = codes.length / width;
  if (labels.length !== n * labelCount) throw new Error(`meanCodesByLabel: ${n} codes but ${labels.length / labelCount} label rows`);
  const presentMean: number[][] = [];
  const absentMean: number[][] = [];
  for (let k = 0; k < labelCount; k++) {
    const sums = [new Float64Array(width), new Float64Array(width)];
    const counts = [0, 0];
    for (let r = 0; r < n; r++) {
      const side = labels[r * labelCount + k] > 0.5 ? 0 : 1;
      counts[side]++;
      for (let d = 0; d < width; d++) sums[side][d] += codes[r * width + d];
    }
    if (counts[0] === 0) throw new Error(`meanCodesByLabel: no reference example has label ${k} on; a switch reference needs some`);
    presentMean.push(Array.from(sums[0], (s) => s / counts[0]));
    absentMean.push(Array.from(sums[1], (s) => (counts[1] ? s / counts[1] : NaN)));
  }
  return { presentMean, absentMean };
}
