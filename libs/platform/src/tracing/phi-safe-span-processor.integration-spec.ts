import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { trace } from '@opentelemetry/api';

import { PhiSafeSpanProcessor } from './phi-safe-span-processor';
import { startTracing, stopTracing } from './start-tracing';

const PHONE = '+14155550123';
const NAME = 'Maria Rivera';

/** An OTLP/HTTP collector on loopback that keeps the raw export bodies. */
async function startCollector(): Promise<{ server: Server; endpoint: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((incoming, response) => {
    void readBody(incoming).then((body) => {
      if (incoming.url === '/v1/traces') bodies.push(body);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies };
}

function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

describe(PhiSafeSpanProcessor.name, () => {
  it('should export spans of a Twilio-like call and a SQL query without the planted phone and name', async () => {
    const collector = await startCollector();
    // The services' own pipeline: startTracing's HTTP instrumentation, processors, exporter.
    startTracing('privacy-it', {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    const twilio = createServer((_incoming, response) => response.end('{"messages":[]}'));
    await new Promise<void>((resolve) => twilio.listen(0, '127.0.0.1', resolve));
    const twilioPort = (twilio.address() as AddressInfo).port;

    const query = new URLSearchParams({ To: PHONE, FriendlyName: NAME }).toString();
    await get(`http://127.0.0.1:${twilioPort}/2010-04-01/Accounts/AC1/Messages.json?${query}`);
    trace.getTracer('privacy-it').startActiveSpan('INSERT outbox_message', (span) => {
      span.setAttributes({
        'db.statement': 'INSERT INTO outbox_message (payload) VALUES ($1)',
        'db.query.parameter.0': `{"givenName":"${NAME}","phone":"${PHONE}"}`,
        'url.full': `https://api.twilio.com/Messages.json?To=${PHONE}`,
        'url.query': `To=${PHONE}`,
      });
      span.recordException(new Error(`request to https://x.test/a?To=${PHONE} failed`));
      span.end();
    });
    await stopTracing(); // flushes the batch processor

    twilio.close();
    collector.server.close();
    const exported = collector.bodies.join('\n');
    expect(exported).toContain('/2010-04-01/Accounts/AC1/Messages.json');
    expect(exported).toContain('INSERT outbox_message');
    for (const planted of [PHONE, encodeURIComponent(PHONE), NAME, encodeURIComponent(NAME)]) {
      expect(exported).not.toContain(planted);
    }
  });
});
