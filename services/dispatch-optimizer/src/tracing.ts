import { startTracing } from '@caredispatch/platform';

startTracing('dispatch-optimizer');
