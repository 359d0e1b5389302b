/**
 * Registers every gradient tfjs-core defines, whatever the entry point.
 *
 * tfjs-core's CommonJS entry (what Node loads) registers none of them; its ESM
 * `register_all_gradients` module does, but Node cannot load tfjs-core's extensionless
 * ESM files directly. tsup bundles this one module (see `noExternal` in tsup.config.ts),
 * the way tfjs-layers' Node bundle does. The gradient registry lives on tfjs' global
 * namespace, so the bundled copy registers into the same engine the CommonJS copy uses.
 */
// The CommonJS engine must exist first: the ESM copy's engine module makes the global engine
// when it is the first to load, and its Tensor class has no op handler (ESM tfjs-core's
// `base` never loads), so every gradient that clones its dy then fails ("reading 'clone'").
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
