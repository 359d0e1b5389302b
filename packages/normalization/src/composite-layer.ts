/**
 * Base class for layers made of other layers (SPADE's convs, the SPADE+AdaIN block, the
 * residual block). tfjs-layers only reports weights created by a layer's own `addWeight`,
 * so a composite that just holds child layers trains nothing and saves nothing
 * (tfjs#8253, tfjs#8569). This class:
 * - builds each child inside `build()` by applying it to a symbolic input, so the child's
 *   weights are created in the parent's name scope: `<parent>/<child>/<weight>`, unique
 *   and stable across save → load when the children have fixed names;
 * - reports the children's weights in `trainableWeights` / `nonTrainableWeights` (hence in
 *   `weights`, `getWeights`, `setWeights`, `countParams`, a model's optimiser and `model.save`);
 * - forwards `trainable` to the children.
 */
import * as tfl from '@tensorflow/tfjs-layers';

export type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type LayerVariable = tfl.LayerVariable;
type Shape = tfl.Shape;

const layerPrototype = tfl.layers.Layer.prototype;
const baseTrainableWeights = Object.getOwnPropertyDescriptor(layerPrototype, 'trainableWeights')!;
const baseNonTrainableWeights = Object.getOwnPropertyDescriptor(layerPrototype, 'nonTrainableWeights')!;
const baseTrainable = Object.getOwnPropertyDescriptor(layerPrototype, 'trainable')!;

export abstract class CompositeLayer extends tfl.layers.Layer {
  /** The child layers, in a fixed order (the order of their weights in `getWeights()`). */
  protected abstract sublayers(): tfl.layers.Layer[];

  private children(): tfl.layers.Layer[] {
    // Called by tfjs-layers' own constructor before subclass fields exist.
    try {
      return this.sublayers().filter((l) => l != null);
    } catch {
      return [];
    }
  }

  override get trainableWeights(): LayerVariable[] {
    const own = baseTrainableWeights.get!.call(this) as LayerVariable[];
    if (!this.trainable) return own;
    return own.concat(...this.children().map((l) => l.trainableWeights));
  }

  override set trainableWeights(weights: LayerVariable[]) {
    baseTrainableWeights.set!.call(this, weights);
  }

  override get nonTrainableWeights(): LayerVariable[] {
    const own = baseNonTrainableWeights.get!.call(this) as LayerVariable[];
    const fromChildren = this.children().map((l) => (this.trainable ? l.nonTrainableWeights : l.weights));
    return own.concat(...fromChildren);
  }

  override set nonTrainableWeights(weights: LayerVariable[]) {
    baseNonTrainableWeights.set!.call(this, weights);
  }

  override get trainable(): boolean {
    return baseTrainable.get!.call(this) as boolean;
  }

  override set trainable(trainable: boolean) {
    baseTrainable.set!.call(this, trainable);
    for (const child of this.children()) child.trainable = trainable;
  }

  /**
   * Builds `child` for inputs of `shapes` (one shape or a list) by applying it to symbolic
   * inputs inside this layer's name scope; returns the child's output shape.
   */
  protected buildSublayer(child: tfl.layers.Layer, shapes: Shape | Shape[]): Shape {
    const list = (Array.isArray(shapes[0]) ? shapes : [shapes]) as Shape[];
    const symbolic = list.map((batchShape) => tfl.input({ batchShape: [null, ...batchShape.slice(1)] }));
    const out = child.apply(symbolic.length === 1 ? symbolic[0] : symbolic) as tfl.SymbolicTensor;
    return out.shape;
  }
}
