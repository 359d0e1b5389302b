/**
 * Redis connections for the two sides of a sweep. A worker waits out a Redis restart
 * (ioredis reconnects; its commands wait instead of failing), while a command a person
 * types (enqueue, status) fails within seconds with an error that names the address.
 */
import { Redis, type RedisOptions } from 'ioredis';

function parse(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--queue ${url}: not a Redis URL; give redis://HOST:PORT (e.g. redis://127.0.0.1:6379)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new Error(`--queue ${url}: not a Redis URL (redis://HOST:PORT or rediss:// for TLS)`);
  return parsed;
}

/** A connection for a worker: reconnects forever, commands wait for it (BullMQ needs maxRetriesPerRequest: null). */
export function workerConnection(url: string, onError: (error: Error) => void = () => {}): Redis {
  parse(url);
  const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(250 * times, 2000) });
  redis.on('error', onError);
  return redis;
}

/**
 * A connection for a command: the first connection gives up after a few tries, so an
 * unreachable Redis is an error, not a hang; once connected it reconnects after a restart
 * (a worker's --until-empty watch lives as long as the worker), and each command fails
 * after two retries instead of waiting.
 */
export async function commandConnection(url: string, options: RedisOptions = {}): Promise<Redis> {
  parse(url);
  let connected = false;
  const redis = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 5000, retryStrategy: (times) => (connected ? Math.min(250 * times, 2000) : times > 3 ? null : 300), lazyConnect: true, ...options });
  let last: Error | undefined;
  redis.on('error', (error: Error) => {
    last = error;
  });
  try {
    await redis.connect();
    await redis.ping();
    connected = true;
  } catch (error) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${url}: ${(last ?? (error as Error)).message}. Start one (redis-server --port PORT) or check --queue.`);
  }
  return redis;
}
