import { describe, expect, it } from 'vitest';
import { ProgressBar } from './progress';

function sink() {
  const chunks: string[] = [];
  const stream = { isTTY: false, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WriteStream;
  return { stream, chunks };
}

describe('ProgressBar', () => {
  it('prints a plain line every 10% when not on a terminal, with losses', () => {
    const { stream, chunks } = sink();
    const bar = new ProgressBar({ label: 'train', total: 100, stream });
    for (let step = 1; step <= 100; step++) bar.update(step, { loss: 1 / step });
    expect(chunks.length).toBe(10);
    expect(chunks[9]).toMatch(/^train 100\/100 .* steps\/s ETA .* loss 0\.01/);
  });

  it('also prints when time passes without crossing a 10% mark', async () => {
    const { stream, chunks } = sink();
    const bar = new ProgressBar({ label: 'train', total: 1_000_000, stream, logSeconds: 0.05 });
    bar.update(1);
    await new Promise((r) => setTimeout(r, 80));
    bar.update(2);
    expect(chunks.length).toBe(1);
    expect(chunks[0]).toMatch(/^train 2\/1000000/);
  });

  it('counts from the resumed step', () => {
    const { stream, chunks } = sink();
    const bar = new ProgressBar({ label: 'train', total: 100, start: 90, stream });
    bar.update(100);
    expect(chunks[0]).toMatch(/^train 100\/100/);
  });
});
