import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { InstanceNormalization, instanceNormalization } from './instance-normalization';
import { AdaptiveInstanceNormalization } from './adain';
import { LAYER_PACKAGE } from './layer-registration';
import { LearnedTokens } from './learned-tokens';
import { ParameterFreeBatchNormalization } from './batch-normalization';
import { SpatiallyAdaptiveNormalization } from './spade';
import { SpadeAdainBlock } from './spade-adain-block';
import { SpadeAdainResidualBlock } from './spade-adain-residual-block';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Saves `model` in memory and returns its topology and weights (what model.json would hold). */
async function saveInMemory(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved!;
}

function instanceNormModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [4, 4, 2] });
  const output = instanceNormalization().apply(input) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output });
}

const x = () => tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 3);

describe('package-qualified layer class names', () => {
  it('every class is saved as "@disentangle/normalization>Name", and default layer names stay plain', () => {
    for (const cls of [InstanceNormalization, ParameterFreeBatchNormalization, AdaptiveInstanceNormalization, SpatiallyAdaptiveNormalization, SpadeAdainBlock, SpadeAdainResidualBlock, LearnedTokens]) {
      expect(cls.className).toMatch(new RegExp(`^${LAYER_PACKAGE}>[A-Z][A-Za-z]+$`));
    }
    const layer = instanceNormalization();
    expect(layer.name).toMatch(/^instance_normalization_InstanceNormalization\d+$/);
    expect(layer.getClassName()).toBe(`${LAYER_PACKAGE}>InstanceNormalization`);
  });

  it("a user's own class named InstanceNormalization does not replace ours when a model is loaded", async () => {
    class InstanceNormalizationOfAUser extends tfl.layers.Layer {
      static className = 'InstanceNormalization';
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
        return tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, 0);
      }
    }
    tf.serialization.registerClass(InstanceNormalizationOfAUser);
    const model = instanceNormModel();
    const artifacts = await saveInMemory(model);
    expect(JSON.stringify(artifacts.modelTopology)).toContain(`"class_name":"${LAYER_PACKAGE}>InstanceNormalization"`);
    const again = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
    const expected = Array.from(await (model.predict(x()) as tf.Tensor).data());
    expect(Array.from(await (again.predict(x()) as tf.Tensor).data())).toEqual(expected);
    expect(expected.some((v) => v !== 0)).toBe(true);
  });

  it('a model saved under the old generic class name still loads (where no other class holds the name)', async () => {
    const input = tfl.input({ shape: [4, 4, 2] });
    const style = tfl.input({ shape: [3] });
    const out = new AdaptiveInstanceNormalization().apply([input, style]) as tfl.SymbolicTensor;
    const adainModel = tfl.model({ inputs: [input, style], outputs: out });
    const artifacts = await saveInMemory(adainModel);
    const legacy = JSON.parse(JSON.stringify(artifacts.modelTopology).replaceAll(`${LAYER_PACKAGE}>AdaptiveInstanceNormalization`, 'AdaptiveInstanceNormalization'));
    const again = await tfl.loadLayersModel(tf.io.fromMemory({ ...artifacts, modelTopology: legacy }));
    const w = tf.randomNormal([2, 3], 0, 1, 'float32', 4);
    const expected = Array.from(await (adainModel.predict([x(), w]) as tf.Tensor).data());
    expect(Array.from(await (again.predict([x(), w]) as tf.Tensor).data())).toEqual(expected);
  });
});
