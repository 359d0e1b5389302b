/**
 * Config round trips for the flow layers (DESIGN.md convention 6d). Every layer class has
 * `getConfig()` (a JSON-safe object) and `static fromConfig(config)`, which builds an
 * equivalent layer with the same variable keys, so
 *
 *   const copy = ActNorm.fromConfig(layer.getConfig());
 *   assignVariables((await loadWeights(dir)).tensors, copy.variables());
 *
 * restores a layer saved with `saveWeights(dir, layer.variables())`. fromConfig creates
 * fresh (randomly initialised, ActNorm uninitialised) variables: the weights come from the
 * checkpoint, the config only fixes the architecture and the names.
 *
 * `layerToConfig(layer)` gives `{ className, config }` and `layerFromConfig` turns it back
 * into a layer through a registry keyed by each class's static `className` (every layer
 * module registers its classes when it is loaded, as tfjs's `serialization.registerClass`
 * does). `Chain` serialises its members this way.
 */
import type { Bijector } from './bijector';

/** A layer as data: its class name and its getConfig(). */
export interface SerializedLayer {
  className: string;
  config: object;
}

/** A layer with a config (every class in this package). */
export interface ConfigurableBijector extends Bijector {
  getConfig(): object;
}

/** What `registerLayerClass` needs: a static className and a static fromConfig. */
export interface SerializableLayerClass {
  readonly className: string;
  // `never`: each class takes its own config type.
  fromConfig(config: never): Bijector;
}

const registry = new Map<string, SerializableLayerClass>();

/** Makes `cls` known to `layerFromConfig` under `cls.className` (a later call replaces it). */
export function registerLayerClass(cls: SerializableLayerClass): void {
  if (typeof cls.className !== 'string' || cls.className.length === 0) throw new Error('registerLayerClass: the class needs a static className');
  if (typeof cls.fromConfig !== 'function') throw new Error(`registerLayerClass: ${cls.className} needs a static fromConfig`);
  registry.set(cls.className, cls);
}

/** The class names `layerFromConfig` knows. */
export function registeredLayerClassNames(): string[] {
  return [...registry.keys()].sort();
}

/** `{ className, config }` of a layer whose class has a static className and an instance getConfig. */
export function layerToConfig(layer: Bijector): SerializedLayer {
  const className = (layer.constructor as Partial<SerializableLayerClass>).className;
  const withConfig = layer as Partial<ConfigurableBijector>;
  if (typeof className !== 'string' || typeof withConfig.getConfig !== 'function') {
    throw new Error(`layerToConfig: layer "${layer.name}" (${layer.constructor.name}) has no static className or no getConfig()`);
  }
  return { className, config: withConfig.getConfig() };
}

/** Builds a layer from `{ className, config }` (as layerToConfig gives, or its JSON). */
export function layerFromConfig(serialized: SerializedLayer): Bijector {
  if (serialized == null || typeof serialized.className !== 'string' || serialized.config == null || typeof serialized.config !== 'object') {
    throw new Error(`layerFromConfig: expected { className, config }, got ${JSON.stringify(serialized)}`);
  }
  const cls = registry.get(serialized.className);
  if (cls === undefined) {
    throw new Error(`layerFromConfig: unknown className "${serialized.className}" (known: ${registeredLayerClassNames().join(', ')}); register it with registerLayerClass`);
  }
  return cls.fromConfig(serialized.config as never);
}
