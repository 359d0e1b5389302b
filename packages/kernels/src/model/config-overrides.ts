/**
 * What every registry entry's `resolveConfig` does first: turn a user's overrides — as a
 * command line gives them ("16", "16,32,64", "true", dotted names like `weights.gan`) or as
 * JSON — into a nested object of typed values, naming the field at fault. Validation of the
 * values themselves stays with each model's config.
 */

import type { ModelEnvironment } from './model-entry';

export interface OverrideSpec {
  /** Top-level fields a user may set (the entry's options; fields the data decide may be listed too). */
  fields: readonly string[];
  /** Fields (top level or inside a group) whose strings become numbers. Group fields always do. */
  numbers?: readonly string[];
  /** Fields whose "a,b,c" / "[a,b,c]" strings (or single numbers) become lists of numbers. */
  lists?: readonly string[];
  /** Fields whose "true" / "false" strings become booleans. */
  booleans?: readonly string[];
  /** Fields with dotted sub-fields (`weights.gan`, `priors.present.mean`): nested objects of numbers. */
  groups?: readonly string[];
  /** Who the options belong to, for the error ("is not an option of csvae"). */
  owner?: string;
  /** Fields the data decide: accepted (a resolved config repeats them) but not listed as options. */
  decided?: readonly string[];
}

/** "16" → 16; anything else is returned for validation to judge. */
export function overrideNumber(value: unknown): unknown {
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
}

/** "16,32,64", "[16,32,64]" or 16 → [16, 32, 64] / [16]; lists pass through with their items coerced. */
export function overrideList(value: unknown): unknown {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.map(overrideNumber);
  if (typeof value !== 'string') return value;
  const text = value.trim().replace(/^\[/, '').replace(/\]$/, '');
  return text === '' ? [] : text.split(',').map((part) => overrideNumber(part.trim()));
}

function overrideBoolean(value: unknown): unknown {
  return value === 'true' ? true : value === 'false' ? false : value;
}

/**
 * `overrides` as a nested, coerced object. `fail(field, message)` throws the entry's error
 * (e.g. "infomi-vae config (pvae+gan): 'weigths.gan' is not an option …").
 */
export function nestConfigOverrides(overrides: Record<string, unknown>, spec: OverrideSpec, fail: (field: string, message: string) => never): Record<string, unknown> {
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) fail('overrides', 'must be an object of config fields');
  const fields = new Set(spec.fields);
  const groups = new Set(spec.groups ?? []);
  const known = spec.fields.filter((f) => !spec.decided?.includes(f)).join(', ');
  const coerce = (field: string, value: unknown) =>
    spec.lists?.includes(field) ? overrideList(value) : spec.numbers?.includes(field) ? overrideNumber(value) : spec.booleans?.includes(field) ? overrideBoolean(value) : value;
  const numbersIn = (value: unknown): unknown =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, numbersIn(v)])) : overrideNumber(value);
  const nested: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(overrides)) {
    const [head, ...rest] = key.split('.');
    if (!fields.has(head)) fail(`'${key}'`, `is not an option${spec.owner ? ` of ${spec.owner}` : ''} (known: ${known})`);
    if (rest.length === 0) {
      if (!groups.has(head)) {
        nested[head] = coerce(head, value);
        continue;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(head, 'must be an object of numbers (or set its fields by dotted names)');
      nested[head] = { ...((nested[head] as object) ?? {}), ...(numbersIn(value) as object) };
      continue;
    }
    if (!groups.has(head)) fail(`'${key}'`, `has a dotted name, but only ${[...groups].map((g) => `${g}.<field>`).join(', ') || 'no field'} take one`);
    let target = nested as Record<string, unknown>;
    for (const part of [head, ...rest.slice(0, -1)]) {
      const next = (target[part] ??= {});
      if (next === null || typeof next !== 'object' || Array.isArray(next)) fail(part, 'is given both as a value and by dotted names');
      target = next as Record<string, unknown>;
    }
    target[rest[rest.length - 1]] = overrideNumber(value);
  }
  return nested;
}

/**
 * The fields the data decide, if a user (or a saved config) repeats them, must agree with the
 * data: the entry's own model name, the input shape and the label names.
 */
export function checkDataDecidedFields(nested: Record<string, unknown>, model: string, environment: ModelEnvironment, fail: (field: string, message: string) => never): void {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if ('model' in nested && nested.model !== model) fail('model', `is '${String(nested.model)}', but this entry builds '${model}'`);
  if ('input' in nested && !same(nested.input, environment.input)) fail('input', `is ${JSON.stringify(nested.input)}, but the data is ${JSON.stringify(environment.input)}`);
  if ('labels' in nested && !same(nested.labels, environment.labels)) fail('labels', `are ${JSON.stringify(nested.labels)}, but the data has ${JSON.stringify(environment.labels)}`);
}

/**
 * The start every zoo's `resolveConfig` shares: a `fail` that names the package and the model
 * ("jdvae config (pa1): zDim must be …"), the user's overrides nested by `spec`, the fields
 * the data decide checked against `environment`, and — for conv nets — image data required.
 */
export function entryOverrides(
  packageName: string,
  model: string,
  overrides: Record<string, unknown>,
  environment: ModelEnvironment,
  spec: Omit<OverrideSpec, 'owner'>,
  { images }: { images?: string } = {},
): { nested: Record<string, unknown>; fail: (field: string, message: string) => never } {
  const fail = (field: string, message: string): never => {
    throw new Error(`${packageName} config (${model}): ${field} ${message}`);
  };
  const nested = nestConfigOverrides(overrides, { ...spec, owner: model }, fail);
  checkDataDecidedFields(nested, model, environment, fail);
  if (images !== undefined && environment.input.kind !== 'image') fail('input', `must be images (${images}), but the data are ${environment.input.kind}s`);
  return { nested, fail };
}
