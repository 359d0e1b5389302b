import { packageTsupConfig } from '../../tsup.shared';

export default packageTsupConfig({ entry: ['src/index.ts', 'src/testing/index.ts'] });
