import { startTracing } from '@caredispatch/platform';

startTracing('messaging');
