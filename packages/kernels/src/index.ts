/**
 * @disentangle/kernels for browsers and bundlers (the `browser` condition, also
 * `@disentangle/kernels/browser`): wasm training kernels, probability kernels, GAN losses, the
 * seeded RNG, the model contract, and weight IO over URLs (`loadWeights(url)`,
 * `loadModelWithConfig(url, …)`, `restoreVariables(url, …)`). Node (node.ts) adds backend
 * selection and the file-system weight IO.
 *
 * Importing it registers tfjs' gradients from the app's own tfjs-core: the import below stays
 * external (tsup's `external`), so the app's bundler resolves it to the app's single tfjs-core —
 * no second copy, and the gradients of the tfjs version the app installed. (It sits in the
 * entry itself: a side-effect-only module would be dropped under this package's `sideEffects`.)
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';

export * from './portable';
export * from './io/browser-weights';
