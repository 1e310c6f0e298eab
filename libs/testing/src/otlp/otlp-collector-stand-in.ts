import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

export interface CollectedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  /** The span's string-valued attributes (`url.path`, `http.target`, …). */
  attributes: Readonly<Record<string, string>>;
}

interface OtlpJsonExport {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value?: { stringValue?: string } }[] };
    scopeSpans?: {
      spans?: {
        name: string;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        attributes?: { key: string; value?: { stringValue?: string } }[];
      }[];
    }[];
  }[];
}

/** Receives OTLP/HTTP JSON trace exports on loopback and keeps the spans for assertions. */
export class OtlpCollectorStandIn {
  private server: Server | undefined;
  private readonly spans: CollectedSpan[] = [];
  private readonly bodies: string[] = [];

  async start(): Promise<{ endpoint: string }> {
    this.server = createServer((request, response) => {
      void readBody(request).then((body) => {
        if (request.method === 'POST' && request.url === '/v1/traces') this.collect(body);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return { endpoint: `http://127.0.0.1:${port}` };
  }

  collected(): readonly CollectedSpan[] {
    return this.spans;
  }

  /** Every export request's body as received: for asserting what never leaves a service. */
  rawExports(): readonly string[] {
    return this.bodies;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) resolve();
      else this.server.close(() => resolve());
    });
  }

  private collect(body: string): void {
    this.bodies.push(body);
    const exported = JSON.parse(body) as OtlpJsonExport;
    for (const resourceSpan of exported.resourceSpans ?? []) {
      const service =
        resourceSpan.resource?.attributes?.find((a) => a.key === 'service.name')?.value
          ?.stringValue ?? 'unknown';
      for (const scope of resourceSpan.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          this.spans.push({
            service,
            name: span.name,
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            attributes: Object.fromEntries(
              (span.attributes ?? []).flatMap(({ key, value }) =>
                value?.stringValue === undefined ? [] : [[key, value.stringValue]],
              ),
            ),
          });
        }
      }
    }
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
