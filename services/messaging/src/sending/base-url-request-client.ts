import twilio from 'twilio';

import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';

/**
 * The SDK's own HTTP client with every request re-targeted at `baseUrl` (scheme, host, port
 * and an optional path prefix), keeping the path and query the SDK built. Lets tests and
 * staging run the unmodified SDK — auth, form encoding, paging, error mapping — against a
 * stand-in. Used only when TWILIO_API_BASE_URL is set.
 */
export class BaseUrlRequestClient extends twilio.RequestClient {
  private readonly base: URL;

  constructor(baseUrl: string, options: RequestClient.RequestClientOptions = {}) {
    super(options);
    this.base = new URL(baseUrl);
  }

  override request<TData>(options: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    return super.request({ ...options, uri: rebase(options.uri, this.base) });
  }
}

export function rebase(uri: string, base: URL): string {
  const original = new URL(uri);
  const target = new URL(base.href);
  target.pathname = `${base.pathname.replace(/\/+$/, '')}${original.pathname}`;
  target.search = original.search;
  return target.href;
}
