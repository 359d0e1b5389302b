// Stands in for sharp (a native module: it cannot travel in a bundle) in the GPU run's bundle,
// which reads and writes no image. Anything that does reach for it fails, saying why.
function sharp() {
  throw new Error('sharp is not in the GPU bundle (apps/lab/bench/gpu-run.sh): this run reads and writes no images');
}
sharp.format = {};
export default sharp;
