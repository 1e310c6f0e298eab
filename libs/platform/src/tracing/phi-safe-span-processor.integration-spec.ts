import { SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';

import { PhiSafeSpanProcessor } from './phi-safe-span-processor';
import { exportingSpanProcessor } from './start-tracing';

const PHONE = '+14155550123';
const NAME = 'Maria Rivera';

describe(PhiSafeSpanProcessor.name, () => {
  it('should export the Twilio reconciliation span and a SQL span without the planted phone and name', async () => {
    // The services' export pipeline (PHI filter → batch processor) ending in an in-memory
    // exporter: the OTLP exporter loads its transport with a dynamic import() that jest's
    // module sandbox cannot run; the e2e suite covers OTLP itself.
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [exportingSpanProcessor(exporter, 50)],
    });
    const tracer = provider.getTracer('privacy-it');
    const twilioUrl = `https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?To=${encodeURIComponent(PHONE)}&PageSize=20`;

    // The attributes HTTP instrumentation records for an outgoing call (old and new semconv).
    const client = tracer.startSpan('GET', { kind: SpanKind.CLIENT });
    client.setAttributes({
      'http.url': twilioUrl,
      'url.full': twilioUrl,
      'http.target': `/2010-04-01/Accounts/AC1/Messages.json?To=${encodeURIComponent(PHONE)}`,
      'url.query': `To=${encodeURIComponent(PHONE)}`,
      'http.method': 'GET',
    });
    client.recordException(new Error(`request to ${twilioUrl} timed out`));
    client.end();
    const sql = tracer.startSpan('INSERT outbox_message');
    sql.setAttributes({
      'db.statement': 'INSERT INTO outbox_message (payload) VALUES ($1)',
      'db.query.parameter.0': `{"givenName":"${NAME}","phone":"${PHONE}"}`,
    });
    sql.end();
    await provider.forceFlush();

    const finished = exporter.getFinishedSpans();
    const exported = JSON.stringify(
      finished.map((span) => ({
        name: span.name,
        attributes: span.attributes,
        events: span.events,
        status: span.status,
      })),
    );
    await provider.shutdown();
    expect(finished).toHaveLength(2);
    expect(exported).toContain('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json');
    expect(exported).toContain('INSERT INTO outbox_message (payload) VALUES ($1)');
    for (const planted of [PHONE, encodeURIComponent(PHONE), NAME]) {
      expect(exported).not.toContain(planted);
    }
  });

  it('should export a link page’s server span with the token segment replaced in every attribute, the name and events', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [exportingSpanProcessor(exporter, 50)],
    });
    const tracer = provider.getTracer('privacy-it');
    const token = 'q3Zp8vLk2Xw9RtYb1NcA4g';

    // The attributes HTTP instrumentation records for an incoming request (old and new semconv).
    const server = tracer.startSpan(`POST /a/${token}/confirm`, { kind: SpanKind.SERVER });
    server.setAttributes({
      'http.url': `http://127.0.0.1:3003/a/${token}/confirm?lang=es`,
      'http.target': `/a/${token}/confirm?lang=es`,
      'url.full': `http://127.0.0.1:3004/itineraries/${token}`,
      'url.path': `/o/${token}`,
      'http.method': 'POST',
    });
    server.recordException(new Error(`Cannot POST /a/${token}/confirm`));
    server.end();
    await provider.forceFlush();

    const [exported] = exporter.getFinishedSpans();
    await provider.shutdown();
    expect(JSON.stringify([exported.name, exported.attributes, exported.events])).not.toContain(
      token,
    );
    expect(exported.name).toBe('POST /a/[token]/confirm');
    expect(exported.attributes).toMatchObject({
      'http.url': 'http://127.0.0.1:3003/a/[token]/confirm',
      'http.target': '/a/[token]/confirm',
      'url.full': 'http://127.0.0.1:3004/itineraries/[token]',
      'url.path': '/o/[token]',
    });
  });
});
