import { packageTsupConfig } from '../../tsup.shared';

// Everything under @tensorflow/ stays external, including the browser entry's
// `@tensorflow/tfjs-core/dist/register_all_gradients`: the user's bundler resolves it to their
// own tfjs-core (see src/index.ts).
export default packageTsupConfig({
  entry: ['src/index.ts', 'src/node.ts', 'src/testing/index.ts'],
});
