/**
 * The latent space of a point-set model as scatter panels (CSVAE's Figure 2): held-out
 * posterior means projected onto pairs of coordinates, coloured by the first label. The
 * panels pair the code's blocks: the first two coordinates of the label-free block, the first
 * two of the label blocks, and the first of each against the other's.
 */
import type { GenerativeModel } from '@disentangle/kernels';
import type { PreparedData } from '@disentangle/data';
import { column, encodeRows, requireCapability } from '@disentangle/metrics';
import { writeScatterPanelsPng, type ScatterPanel } from '../images/scatter-plot';

export async function writeLatentScatter(file: string, model: GenerativeModel, data: PreparedData): Promise<void> {
  const encoder = requireCapability(model, 'encode', 'the latent scatter figure');
  const indices = data.split.test;
  const codes = await encodeRows(encoder, data, indices);
  const k = data.labelNames.length;
  const classes = Array.from(indices, (i) => (k > 0 && data.y[i * k] > 0.5 ? 1 : 0));
  const parts = encoder.codeParts();
  const free = parts.find((p) => p.role === 'free') ?? parts[0];
  const label = parts.find((p) => p.role === 'label') ?? parts[parts.length - 1];
  const coordinate = (part: typeof free, d: number) => ({ c: part.start + Math.min(d, part.size - 1), name: `${part.name}${Math.min(d, part.size - 1) + 1}` });
  const pairs = [
    [coordinate(free, 0), coordinate(free, 1)],
    [coordinate(label, 0), coordinate(label, 1)],
    [coordinate(free, 1), coordinate(label, 0)],
    [coordinate(free, 0), coordinate(label, 0)],
  ];
  const panels: ScatterPanel[] = pairs.map(([a, b]) => ({
    title: `(${a.name}, ${b.name})`,
    xLabel: a.name,
    yLabel: b.name,
    x: Array.from(column(codes, encoder.codeWidth, a.c)),
    y: Array.from(column(codes, encoder.codeWidth, b.c)),
    classes,
  }));
  const name = data.labelNames[0] ?? 'label';
  await writeScatterPanelsPng(file, panels, { columns: 2, classNames: [`${name} 0`, `${name} 1`] });
}
