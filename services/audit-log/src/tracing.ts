import { startTracing } from '@caredispatch/platform';

startTracing('audit-log');
