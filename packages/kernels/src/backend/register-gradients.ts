/**
 * Node: makes sure tfjs' gradients are registered, from the user's own tfjs install.
 *
 * tfjs-core's CommonJS entry (what Node loads) registers no gradient, and its ESM
 * `register_all_gradients` cannot be loaded by Node (extensionless imports). The CommonJS
 * bundle of `@tensorflow/tfjs-layers` registers all of them into the same global registry,
 * and every `@tensorflow/tfjs` or tfjs-node user has it. So: if a gradient is already
 * registered (the user imported @tensorflow/tfjs, tfjs-layers or tfjs-node), nothing is done;
 * otherwise tfjs-layers is required. Without it, training fails early with
 * `assertGradientsRegistered`'s message instead of a cryptic "gradient function not found".
 * (Earlier versions bundled a copy of tfjs-core's gradient files into this package's dist,
 * which put a second tfjs-core and 4.22's gradients into every user's bundle.)
 */
import { createRequire } from 'node:module';
import { GRADIENTS_MISSING_HINT, gradientsRegistered } from './gradient-status';

export type GradientSource = 'already registered' | '@tensorflow/tfjs-layers' | 'none';

function register(): { source: GradientSource; error?: string } {
  if (gradientsRegistered()) return { source: 'already registered' };
  try {
    createRequire(import.meta.url)('@tensorflow/tfjs-layers');
  } catch (error) {
    return { source: 'none', error: (error as Error).message.split('\n')[0] };
  }
  return gradientsRegistered() ? { source: '@tensorflow/tfjs-layers' } : { source: 'none', error: 'tfjs-layers registered no gradient' };
}

const outcome = register();

/** Where this process's gradients came from (for `doctor`), with the reason when there are none. */
export function gradientSource(): { source: GradientSource; detail: string } {
  if (outcome.source === 'none' && gradientsRegistered()) return { source: 'already registered', detail: 'registered after @disentangle/kernels was imported' };
  if (outcome.source === 'none') return { source: 'none', detail: `${GRADIENTS_MISSING_HINT} (${outcome.error ?? 'not found'})` };
  return { source: outcome.source, detail: outcome.source === 'already registered' ? 'by tfjs imported before @disentangle/kernels' : 'required from the installed @tensorflow/tfjs-layers' };
}
