import { packageTsupConfig } from '../../tsup.shared';

export default packageTsupConfig({
  entry: ['src/index.ts', 'src/node.ts', 'src/testing/index.ts'],
  // tfjs-core's ESM gradient definitions are bundled: Node cannot import them on its own
  // (see src/backend/register-gradients.ts). tsup's noExternal wins over `external`.
  noExternal: [/tfjs-core\/dist\/register_all_gradients/],
});
