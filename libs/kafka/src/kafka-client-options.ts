import type { LoggerService } from '@nestjs/common';

/** How to reach the cluster; our own type, so callers never name the client library's. */
export interface KafkaClientOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  /** Receives the client's own logs; defaults to a Nest Logger (which the app routes to its JSON logger). */
  readonly logger?: LoggerService;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** Client-wide retries (connects, metadata, admin); producers may bound theirs further. */
  readonly retry?: KafkaRetrySettings;
}

/** The subset of the client's retry settings we tune. */
export interface KafkaRetrySettings {
  readonly retries?: number;
  readonly initialRetryTime?: number;
  readonly maxRetryTime?: number;
}
