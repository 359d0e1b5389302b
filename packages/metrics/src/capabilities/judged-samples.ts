/**
 * Samples drawn for the test rows' labels and judged, shared by paper 003's Table 1 "Acc"
 * and Table 2 (attribute accuracy, variance of AMP): they judge the same kind of samples, so
 * one context draws and judges them once per (seed, count) and every metric reads the result.
 */
import { SeededRandom } from '@disentangle/kernels';
import { inputsOf } from '@disentangle/data';
import type { MetricContext, MetricJudge, MetricOptions } from '../metric-registry';
import { sampleForRows } from './conditional-samples';
import { judgeLabels, type JudgedLabels } from './judged-labels';
import { askedAttributes, askedClass, labelLayout, type LabelLayout } from './label-layout';
import { requireCapability } from './model-capabilities';

export interface JudgedTestSamples {
  judge: MetricJudge;
  layout: LabelLayout;
  /** The test rows whose labels were asked for, one sample each. */
  rows: number[];
  /** The class each sample was asked for (−1 without class columns), [n]. */
  askedClasses: Int32Array;
  /** The attribute values asked for, [n, L]. */
  askedAttributes: Uint8Array;
  /** The judge on the samples. */
  judged: JudgedLabels;
}

const memo = new WeakMap<MetricContext, Map<string, Promise<JudgedTestSamples>>>();

/**
 * One sample per test row (option `count` caps the rows, default all; option `seed`, default
 * 0), drawn with that row's labels by `model.sample` and judged.
 */
export function judgedTestSamples(context: MetricContext, options: MetricOptions): Promise<JudgedTestSamples> {
  const count = options.count === undefined ? Infinity : Number(options.count);
  const seed = Number(options.seed ?? 0);
  const key = `${seed}:${count}`;
  const cache = memo.get(context) ?? new Map<string, Promise<JudgedTestSamples>>();
  memo.set(context, cache);
  let result = cache.get(key);
  if (!result) {
    result = draw(context, count, seed);
    cache.set(key, result);
    result.catch(() => cache.delete(key));
  }
  return result;
}

async function draw(context: MetricContext, count: number, seed: number): Promise<JudgedTestSamples> {
  const { data } = context;
  const model = requireCapability(context.model, 'sample', 'judged conditional samples');
  const layout = labelLayout(data);
  if (layout.kind === 'none') throw new Error(`judged conditional samples need labels; the data spec of '${data.spec.dataset}' has none`);
  const rows = Array.from(data.split.test.slice(0, Math.min(count, data.split.test.length)));
  if (rows.length === 0) throw new Error(`judged conditional samples: '${data.spec.dataset}' has no test rows`);
  const judge = await context.judge();
  const samples = await sampleForRows(model, data, rows, new SeededRandom(seed));
  return {
    judge,
    layout,
    rows,
    askedClasses: Int32Array.from(rows, (i) => askedClass(data, layout, i)),
    askedAttributes: askedAttributes(data, layout, rows),
    judged: await judgeLabels(judge.classifier, samples, data.input, layout),
  };
}

/** The judge on the real images of `rows` (calibration: what the data themselves score). */
export async function judgedRealRows(context: MetricContext, rows: number[]): Promise<JudgedLabels> {
  const judge = await context.judge();
  return judgeLabels(judge.classifier, inputsOf(context.data, rows), context.data.input, labelLayout(context.data));
}
