/**
 * k-nearest-neighbour readout of a label from chosen code columns: how much of the label a
 * block of the code holds (CSVAE's swiss roll: "overlap in Z, separation in W", measured).
 * Training rows vote for each test row; ties go to label 0.
 */
export function knnAccuracy(
  train: { codes: Float32Array; labels: ArrayLike<number> },
  test: { codes: Float32Array; labels: ArrayLike<number> },
  codeWidth: number,
  columns: number[],
  k = 15,
): number {
  if (columns.length === 0) throw new Error('knnAccuracy: no code columns to read the label from');
  const nTrain = train.labels.length;
  const nTest = test.labels.length;
  if (nTrain < k) throw new Error(`knnAccuracy: ${nTrain} training rows, fewer than k = ${k}`);
  let correct = 0;
  const distances = new Float64Array(nTrain);
  const order = Array.from({ length: nTrain }, (_, i) => i);
  for (let t = 0; t < nTest; t++) {
    for (let r = 0; r < nTrain; r++) {
      let d = 0;
      for (const c of columns) d += (train.codes[r * codeWidth + c] - test.codes[t * codeWidth + c]) ** 2;
      distances[r] = d;
    }
    const nearest = order.slice().sort((a, b) => distances[a] - distances[b]).slice(0, k);
    const votes = nearest.reduce((s, r) => s + (train.labels[r] > 0.5 ? 1 : 0), 0);
    if ((votes * 2 > k ? 1 : 0) === (test.labels[t] > 0.5 ? 1 : 0)) correct++;
  }
  return correct / nTest;
}
