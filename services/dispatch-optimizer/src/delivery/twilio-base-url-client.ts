import twilio from 'twilio';

import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';

/**
 * The Twilio SDK's own HTTP client with every request re-targeted at `baseUrl`, keeping the path
 * and query the SDK built, so tests run the unmodified SDK against the Twilio stand-in. Used only
 * when TWILIO_API_BASE_URL is set. (Same adapter as messaging's; services do not import each other.)
 */
export class TwilioBaseUrlClient extends twilio.RequestClient {
  private readonly base: URL;

  constructor(baseUrl: string, options: RequestClient.RequestClientOptions = {}) {
    super(options);
    this.base = new URL(baseUrl);
  }

  override request<TData>(options: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const original = new URL(options.uri);
    const target = new URL(this.base.href);
    target.pathname = `${this.base.pathname.replace(/\/+$/, '')}${original.pathname}`;
    target.search = original.search;
    return super.request({ ...options, uri: target.href });
  }
}
