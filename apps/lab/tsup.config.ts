import { packageTsupConfig } from '../../tsup.shared';

export default packageTsupConfig({ entry: ['src/cli.ts', 'src/index.ts'], dts: { entry: 'src/index.ts' } });
