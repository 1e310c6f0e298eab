import { startTracing } from '@caredispatch/platform';

startTracing('waitlist');
