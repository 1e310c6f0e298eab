import { startTracing } from '@caredispatch/platform';

startTracing('ehr-gateway');
