/**
 * Runs the Twilio stand-in as its own process for the demo and for end-to-end tests:
 *   node -r @swc-node/register libs/testing/src/twilio/main.ts --port 4010 [--auto-deliver]
 * Credentials come from TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN (defaults: the stand-in's).
 * Faults (500s, timeouts, late listing) are switched on and off over its control API under
 * /_stand-in/, documented at the top of twilio-stand-in.ts.
 * It prints what it receives, bodies and numbers included: it is a test double and only
 * ever sees synthetic patients.
 */
import { parseArgs } from 'node:util';

import { STAND_IN_ACCOUNT_SID, STAND_IN_AUTH_TOKEN, TwilioStandIn } from './twilio-stand-in';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      'auto-deliver': { type: 'boolean', default: false },
    },
  });
  const port = Number.parseInt(values.port, 10);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error('--port must be 0..65535');
  const standIn = new TwilioStandIn({
    port,
    accountSid: process.env.TWILIO_ACCOUNT_SID ?? STAND_IN_ACCOUNT_SID,
    authToken: process.env.TWILIO_AUTH_TOKEN ?? STAND_IN_AUTH_TOKEN,
    autoStatusCallback: values['auto-deliver'] ? 'delivered' : undefined,
    log: (line) => process.stdout.write(`[twilio-stand-in] ${line}\n`),
  });
  const { baseUrl } = await standIn.start();
  process.stdout.write(
    `[twilio-stand-in] listening on ${baseUrl} (account ${standIn.accountSid})\n`,
  );
  const shutdown = (): void => {
    void standIn.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
