/**
 * Package-qualified class names for this package's tfjs-layers classes.
 *
 * tfjs-layers finds a layer's class by the `class_name` in model.json, in one registry shared by
 * everyone. Under a generic name ("InstanceNormalization") a user's own class of that name
 * silently replaced ours in `tf.loadLayersModel` (or ours replaced theirs). So each class is
 * named `@disentangle/normalization>Name` (Keras' "package>Name" convention, what
 * `tf.serialization.registerClass(cls, pkg)` builds), and that is what model.json records.
 *
 * Models saved before this used the generic names. Those still load: each class is also
 * registered under its old name, but only when nobody else holds it, so a user's own class of
 * that name keeps it.
 */
import * as tf from '@tensorflow/tfjs-core';

export const LAYER_PACKAGE = '@disentangle/normalization';

/** `@disentangle/normalization>Name`: the class name saved in model.json. */
export function qualifiedClassName(name: string): string {
  return `${LAYER_PACKAGE}>${name}`;
}

const counters = new Map<string, number>();

/**
 * tfjs-layers derives a layer's default name from its class name; the qualified one
 * ("@disentangle/normalization>…") would put a "/" and a ">" into weight names. This gives
 * the name tfjs gave before: `instance_normalization_InstanceNormalization1`, `…2`, …
 */
export function withDefaultName<A extends { name?: string }>(args: A, name: string): A {
  if (args.name !== undefined) return args;
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
  const count = (counters.get(snake) ?? 0) + 1;
  counters.set(snake, count);
  return { ...args, name: `${snake}_${name}${count}` };
}

type LayerClass = tf.serialization.SerializableConstructor<tf.serialization.Serializable> & { className: string };

/** Registers `cls` under its qualified name, and under `legacyName` where that is still free. */
export function registerLayerClass(cls: LayerClass, legacyName: string): void {
  if (cls.className !== qualifiedClassName(legacyName)) throw new Error(`${legacyName}: static className must be ${qualifiedClassName(legacyName)}, got ${cls.className}`);
  tf.serialization.registerClass(cls, LAYER_PACKAGE, legacyName);
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  if (!(legacyName in map)) map[legacyName] = [cls, cls.fromConfig];
}
