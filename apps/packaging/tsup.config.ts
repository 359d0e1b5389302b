import { packageTsupConfig } from '../../tsup.shared';

// A real build (the helpers, for scripts that want them) so that turbo's `test` → `build` →
// `^build` chain builds every library package, whose dist/ the packing test needs, first.
export default packageTsupConfig();
