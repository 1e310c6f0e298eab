import { PhiDataKeyEntity } from '../keys/phi-data-key.entity';

import { CreatePhiDataKey1764201700000 } from './1764201700000-create-phi-data-key';

export { CreatePhiDataKey1764201700000 };

/** ServiceInfrastructureModule adds these for a service that declares `phi`. */
export const phiCryptoEntities = [PhiDataKeyEntity];
export const phiCryptoMigrations = [CreatePhiDataKey1764201700000];
