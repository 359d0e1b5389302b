/**
 * Micro-benchmark (not a test): stock tfjs-backend-wasm kernels vs ours, and ours vs the
 * cpu backend for kernels stock wasm lacks. Medians in ms after warm-up; the machines are
 * shared and noisy, so read ratios.
 *
 *   cd packages/kernels && npx --yes tsx@4 bench/wasm-kernels.bench.ts [--cpu]
 *
 * --cpu also times the cpu backend for the kernels stock wasm lacks (slow: about a minute).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../src/backend/wasm-kernels/register';

type Inputs = Record<string, tf.Tensor>;
interface Case {
  name: string;
  kernel: string;
  inputs: () => Inputs;
  attrs: Record<string, unknown>;
}

const conv = (n: number, h: number, cin: number, cout: number, stride: number) => {
  const ho = Math.ceil(h / stride);
  return {
    x: [n, h, h, cin], dy: [n, ho, ho, cout], filter: [3, 3, cin, cout],
    label: `${n}×${h}×${h}×${cin}→${cout} 3×3 s${stride}`,
    attrs: { strides: stride, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined },
  };
};
const CONVS = [conv(64, 32, 1, 16, 2), conv(64, 32, 16, 16, 2), conv(64, 16, 16, 32, 2), conv(16, 32, 8, 8, 1)];

const CASES: Case[] = [
  ...CONVS.map((c) => ({
    name: `Conv2DBackpropInput ${c.label}`, kernel: 'Conv2DBackpropInput',
    inputs: () => ({ dy: tf.randomNormal(c.dy), filter: tf.randomNormal(c.filter) }), attrs: { ...c.attrs, inputShape: c.x },
  })),
  ...CONVS.map((c) => ({
    name: `Conv2DBackpropFilter ${c.label}`, kernel: 'Conv2DBackpropFilter',
    inputs: () => ({ x: tf.randomNormal(c.x), dy: tf.randomNormal(c.dy) }), attrs: { ...c.attrs, filterShape: c.filter },
  })),
  ...[
    { label: '[64,1024]ᵀ × [64,512] (dense dW)', a: [64, 1024], b: [64, 512], tA: true, tB: false },
    { label: '[512,512]ᵀ × [512,512]', a: [512, 512], b: [512, 512], tA: true, tB: false },
    { label: '[64,512] × [1024,512]ᵀ (dense dx)', a: [64, 512], b: [1024, 512], tA: false, tB: true },
    { label: '[8,128,128] × [8,128,128]', a: [8, 128, 128], b: [8, 128, 128], tA: false, tB: false },
    { label: '[8,128,64] × [8,128,64]ᵀ', a: [8, 128, 64], b: [8, 128, 64], tA: false, tB: true },
    { label: '[4,64,256] × [256,128]', a: [4, 64, 256], b: [256, 128], tA: false, tB: false },
    { label: '[64,16,16] × [64,16,16] (small: stock loop)', a: [64, 16, 16], b: [64, 16, 16], tA: false, tB: false },
  ].map((m) => ({
    name: `BatchMatMul ${m.label}`, kernel: 'BatchMatMul',
    inputs: () => ({ a: tf.randomNormal(m.a), b: tf.randomNormal(m.b) }), attrs: { transposeA: m.tA, transposeB: m.tB },
  })),
  {
    name: 'DepthwiseConv2dNativeBackpropFilter 64×16×16×32 3×3 s1', kernel: 'DepthwiseConv2dNativeBackpropFilter',
    inputs: () => ({ x: tf.randomNormal([64, 16, 16, 32]), dy: tf.randomNormal([64, 16, 16, 32]) }),
    attrs: { strides: 1, dilations: 1, pad: 'same', filterShape: [3, 3, 32, 1] },
  },
  {
    name: 'DepthwiseConv2dNativeBackpropInput 64×16×16×32 3×3 s1', kernel: 'DepthwiseConv2dNativeBackpropInput',
    inputs: () => ({ dy: tf.randomNormal([64, 16, 16, 32]), filter: tf.randomNormal([3, 3, 32, 1]) }),
    attrs: { strides: 1, dilations: 1, pad: 'same', inputShape: [64, 16, 16, 32] },
  },
  {
    name: 'UnsortedSegmentSum [4096,64] → 100 segments', kernel: 'UnsortedSegmentSum',
    inputs: () => ({ x: tf.randomNormal([4096, 64]), segmentIds: tf.randomUniform([4096], 0, 100, 'int32') }),
    attrs: { numSegments: 100 },
  },
];

/** Median ms of `reps` runs of the kernel (after warm-ups), or null when it throws. */
function time(c: Case, inputs: Inputs, reps: number, warmUps: number): number | null {
  const run = () => {
    const out = tf.engine().runKernel(c.kernel, inputs, c.attrs as never) as tf.Tensor;
    out.dataSync();
    out.dispose();
  };
  try {
    for (let i = 0; i < warmUps; i++) run();
  } catch {
    return null;
  }
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    run();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return ms[reps >> 1];
}

async function timeAll(backend: string, reps: number, warmUps: number, only?: (c: Case) => boolean): Promise<Map<string, number | null>> {
  await tf.setBackend(backend);
  await tf.ready();
  const result = new Map<string, number | null>();
  for (const c of CASES) {
    if (only && !only(c)) continue;
    const inputs = c.inputs();
    result.set(c.name, time(c, inputs, reps, warmUps));
    tf.dispose(Object.values(inputs));
  }
  return result;
}

async function main(): Promise<void> {
  const stock = await timeAll('wasm', 21, 3);
  registerWasmTrainingKernels(); // after setBackend: exercises that order too
  const ours = await timeAll('wasm', 21, 3);
  const missingOnWasm = (c: Case) => stock.get(c.name) === null;
  const cpu = process.argv.includes('--cpu') ? await timeAll('cpu', 1, 1, missingOnWasm) : new Map<string, number | null>();
  const fmt = (v: number | null | undefined) => (v == null ? (v === null ? 'missing' : '—') : v.toFixed(2));
  console.log('| kernel | stock wasm ms | ours ms | speed-up | cpu ms |');
  console.log('|---|---|---|---|---|');
  for (const c of CASES) {
    const s = stock.get(c.name);
    const o = ours.get(c.name);
    const speedUp = s != null && o != null ? `${(s / o).toFixed(1)}×` : '';
    console.log(`| ${c.name} | ${fmt(s)} | ${fmt(o)} | ${speedUp} | ${fmt(cpu.get(c.name))} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
