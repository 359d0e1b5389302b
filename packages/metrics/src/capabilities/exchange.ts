/**
 * The "exchange" of paper 000 (Zhang et al. 2020, §2 and §3.3): z_u is encoded from (x, c) and
 * decoded with another one-hot class c', x̂ = Dec(z_u(x, c), f(c')). Through our capabilities it
 * is `switchAttributes(batch, onehot(c'), reference)` on exclusive labels. This file holds what
 * the exchange metrics share: the classes the data hold, the requests, and — on procedural data —
 * the true exchanged image, the generator's rendering of x's factors with the label-determined
 * factors (roles 'label' and 'identity') taken from an example of class c'.
 */
import type { FactorSpec, PreparedData } from '@disentangle/data';
import { evenlySpaced, type SwitchRequest } from './attribute-switch';

/** The class of row `index` of exclusive data (the argmax of its one-hot row). */
export function classOfRow(data: PreparedData, index: number): number {
  const k = data.labelNames.length;
  let best = 0;
  for (let c = 1; c < k; c++) if (data.y[index * k + c] > data.y[index * k + best]) best = c;
  return best;
}

/**
 * The class columns that at least one row of the data has, ascending. Not every column need
 * occur: faces drawn with `identities: 10` and labels 'one-hot' have the generator's 1000
 * identity columns, of which 10 occur.
 */
export function occurringClasses(data: PreparedData): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < data.dataset.count; i++) seen.add(classOfRow(data, i));
  return [...seen].sort((a, b) => a - b);
}

/**
 * `count` of `indices`, spread evenly over them (`evenlySpaced`), and cycling through them again
 * when there are fewer than `count` (so each class gets exactly `count` exchanges).
 */
export function spreadCycling(indices: ArrayLike<number>, count: number): number[] {
  if (indices.length === 0) return [];
  if (indices.length >= count) return evenlySpaced(indices, count);
  return Array.from({ length: count }, (_, i) => indices[i % indices.length]);
}

/** The exchange of row `index` to class `target` as a switch request (one-hot target). */
export function exchangeRequest(data: PreparedData, index: number, target: number): SwitchRequest {
  return { index, target: data.labelNames.map((_, c) => (c === target ? 1 : 0)), label: target };
}

/** The data's class names for the error messages (first few). */
function preview(names: string[]): string {
  return names.length > 8 ? `${names.slice(0, 8).join(', ')}, … (${names.length})` : names.join(', ');
}

/**
 * Classes by an option: a count n (the first n occurring classes, or with `spread` n spread
 * evenly over them), a list of class names (or "a, b"), or undefined for `fallback`. Errors
 * name the metric, the option and what it must be.
 */
export function classesOption(data: PreparedData, asked: unknown, fallback: number[], { what, option, spread = false }: { what: string; option: string; spread?: boolean }): number[] {
  if (asked === undefined) return fallback;
  const present = occurringClasses(data);
  const wrong = () => new Error(`${what}: option ${option} must be a positive integer or a list of class names, got ${JSON.stringify(asked)}`);
  if (typeof asked === 'number') {
    if (!Number.isInteger(asked) || asked < 1) throw wrong();
    return spread ? evenlySpaced(present, asked) : present.slice(0, asked);
  }
  const names = typeof asked === 'string' ? asked.split(',').map((s) => s.trim()) : Array.isArray(asked) ? asked : undefined;
  if (!names || names.length === 0) throw wrong();
  const columns = names.map((name) => {
    const c = data.labelNames.indexOf(String(name));
    if (c < 0) throw new Error(`${what}: '${String(name)}' is not a class of these data (classes: ${preview(data.labelNames)})`);
    if (!present.includes(c)) throw new Error(`${what}: class '${String(name)}' has no example in these data`);
    return c;
  });
  if (new Set(columns).size !== columns.length) throw new Error(`${what}: option ${option} names a class twice: ${JSON.stringify(names)}`);
  return columns;
}

/** The factors whose value the class determines: every factor with role 'label' or 'identity'. */
export function labelDeterminedFactors(specs: readonly FactorSpec[]): number[] {
  return specs.flatMap((s, f) => (s.role === 'label' || s.role === 'identity' ? [f] : []));
}

/** Renders true exchanges; see `exchangeRenderer`. */
export interface ExchangeRenderer {
  /** The factor indices copied from the target class (roles 'label' and 'identity'). */
  factors: number[];
  /** Row `index`'s factors with the label-determined ones of class `target`. */
  factorsOf(index: number, target: number): number[];
  /** The generator's rendering of `factorsOf(index, target)` into `out` at `offset` (the data's [0, 1] pixels, at the data's size). */
  render(index: number, target: number, out: Float32Array, offset?: number): void;
}

/**
 * The true exchange on procedural data: row x's factors with every factor of role 'label' or
 * 'identity' set to its value on the examples of the target class (chairs: the azimuth; faces
 * with identities: the identity index and all its identity factors), the rest (style, nuisance,
 * attributes) kept, rendered by `dataset.generator` at the data's size (as the stored images
 * were: [0, 1], box-downsampled when the generator draws larger). Every example of a class must
 * agree on those factors (else the class does not determine them and there is no single true
 * answer): an error names the class and the factor.
 */
export function exchangeRenderer(data: PreparedData): ExchangeRenderer {
  const { dataset } = data;
  const { generator, factorSpecs: specs, factors: values } = dataset;
  if (!generator || !specs || !values) throw new Error(`exchange counterfactuals: '${data.spec.dataset}' has no generator and factors to render the true exchange`);
  const factors = labelDeterminedFactors(specs);
  if (factors.length === 0) throw new Error(`exchange counterfactuals: no factor of '${data.spec.dataset}' has role 'label' or 'identity' (factors: ${specs.map((s) => s.name).join(', ')})`);
  const nf = specs.length;
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < dataset.count; i++) {
    const c = classOfRow(data, i);
    const own = factors.map((f) => values[i * nf + f]);
    const known = byClass.get(c);
    if (!known) byClass.set(c, own);
    else {
      const j = own.findIndex((v, j) => Math.abs(v - known[j]) > 1e-6);
      if (j >= 0) throw new Error(`exchange counterfactuals: class '${data.labelNames[c]}' does not determine factor '${specs[factors[j]].name}' (its examples have ${known[j]} and ${own[j]}); draw the data with identities so a class is one identity`);
    }
  }
  const factorsOf = (index: number, target: number) => {
    const wanted = byClass.get(target);
    if (!wanted) throw new Error(`exchange counterfactuals: class '${data.labelNames[target]}' has no example in these data`);
    const row = Array.from(values.subarray(index * nf, (index + 1) * nf));
    factors.forEach((f, j) => (row[f] = wanted[j]));
    return row;
  };
  return {
    factors,
    factorsOf,
    render: (index, target, out, offset = 0) => generator.render(factorsOf(index, target), dataset.height, out, offset),
  };
}
