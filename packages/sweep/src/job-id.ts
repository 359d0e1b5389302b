/**
 * Idempotent job ids: the same resolved config always gives the same id, so enqueueing a
 * sweep twice adds nothing the second time (BullMQ keeps one job per id).
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth (undefined fields dropped), so equal configs print equally. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`stableJson: ${value} has no JSON form`);
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stableJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/** `j` + the first 20 hex digits of SHA-256 over the config's stable JSON. */
export function jobIdOf(config: unknown): string {
  return `j${createHash('sha256').update(stableJson(config)).digest('hex').slice(0, 20)}`;
}
