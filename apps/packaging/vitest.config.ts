import { packageVitestConfig } from '../../vitest.shared';

// The packing test's install and example runs set their own, longer timeouts per hook and test.
export default packageVitestConfig({ testTimeout: 120_000 });
