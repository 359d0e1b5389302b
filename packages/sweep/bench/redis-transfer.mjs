#!/usr/bin/env node
// How long a gradient-sized blob takes through Redis: SET then GET of float32 buffers the size
// of our largest model's gradients (0.85 M parameters) and of Glow's at the reference sizes
// (74 M), on a throwaway loopback redis-server. The numbers in docs/scale.md come from:
//   node packages/sweep/bench/redis-transfer.mjs
// (build the package first: npm run setup). Loopback only: the network adds its own time.
import { Redis } from 'ioredis';
import { startTestRedis } from '../dist/testing/index.js';

const sizes = [
  { label: '0.85 M parameters (our largest model)', parameters: 850_000 },
  { label: '74 M parameters (Glow, K=32, L=4, 512 hidden, 64×64)', parameters: 74_000_000 },
];
const repeats = 5;
const server = await startTestRedis();
const redis = new Redis(server.url);
try {
  for (const { label, parameters } of sizes) {
    const blob = Buffer.alloc(parameters * 4, 7);
    const set = [];
    const get = [];
    for (let i = 0; i < repeats; i++) {
      let t = process.hrtime.bigint();
      await redis.set('gradients', blob);
      set.push(Number(process.hrtime.bigint() - t) / 1e6);
      t = process.hrtime.bigint();
      const back = await redis.getBuffer('gradients');
      get.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (back.length !== blob.length) throw new Error('short read');
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const mb = blob.length / 2 ** 20;
    console.log(`${label}: ${mb.toFixed(1)} MiB — SET ${median(set).toFixed(1)} ms, GET ${median(get).toFixed(1)} ms (median of ${repeats}; ${(mb / (median(set) / 1000)).toFixed(0)} / ${(mb / (median(get) / 1000)).toFixed(0)} MiB/s)`);
  }
} finally {
  redis.disconnect();
  await server.stop();
}
