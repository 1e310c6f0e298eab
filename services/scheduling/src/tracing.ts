import { startTracing } from '@caredispatch/platform';

startTracing('scheduling');
