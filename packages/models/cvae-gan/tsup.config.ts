import { packageTsupConfig } from '../../../tsup.shared';

export default packageTsupConfig();
