/**
 * A tiny procedural generator for tests (not exported from the package): a grey square whose
 * brightness is `shade`, at a position `x`, with a categorical `shape` label (3 classes), an
 * identity factor `tone` and one binary attribute `bright`.
 */
import type { ProceduralGenerator } from './types';

export function makeTestGenerator(name = 'test-squares'): ProceduralGenerator {
  return {
    name,
    channels: 1,
    sizes: [8, 16],
    factors: [
      { name: 'shape', kind: 'categorical', values: ['small', 'medium', 'large'], role: 'label', description: 'square side class' },
      { name: 'shade', kind: 'continuous', range: [0.2, 1], role: 'nuisance', description: 'brightness of the square' },
      { name: 'tone', kind: 'continuous', range: [0, 0.2], role: 'identity', description: 'background level, fixed per identity' },
    ],
    sampleFactors: (random) => [Math.floor(random() * 3), 0.2 + 0.8 * random(), 0.2 * random()],
    render(factors, size, out, offset = 0) {
      const [shape, shade, tone] = factors;
      const side = Math.max(1, Math.round(((shape + 1) / 4) * size));
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) out[offset + y * size + x] = x < side && y < side ? shade : tone;
    },
    label: (factors) => factors[0],
    labelNames: ['small', 'medium', 'large'],
    attributes: (factors) => [factors[1] > 0.6 ? 1 : 0],
    attributeNames: ['bright'],
  };
}
