/**
 * @disentangle/sweep: independent jobs fanned out through BullMQ on Redis, or run in
 * process when there is no Redis, with idempotent ids and seed spreads. It knows nothing of
 * models or papers; the lab's `sweep` and `worker` commands give it their jobs and handler.
 */
export * from './job-id';
export * from './spread';
export * from './queue';
export * from './redis-connection';
export * from './bull-queue';
export * from './local-queue';
