import { type HttpStatus } from '@nestjs/common';

/**
 * A failure the caller can act on. Each service declares its codes as an enum, subclasses
 * this once (`class SchedulingError extends DomainError<SchedulingErrorCode> {}`) and maps
 * the codes to HTTP statuses with an exhaustive switch (see `domainErrors`).
 * Messages and details reach the client: they must never carry PHI.
 */
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * How the HTTP edge of one service renders its own domain errors. A DomainError the service
 * does not own (another domain's class) reaching the edge is a bug: a 500 with an error id.
 */
export interface DomainErrorMapping {
  /** Name of the service's DomainError subclass, for logs. */
  readonly domain: string;
  /** The HTTP status of `error`, or undefined when the service does not own it. */
  statusOf(error: DomainError): HttpStatus | undefined;
}

type DomainErrorClass<Code extends string> = abstract new (...args: never[]) => DomainError<Code>;

/**
 * The one idiom for a service's errors: its DomainError subclass and the exhaustive switch
 * from its code enum to a status. Ownership is by class, so two domains may share a code.
 */
export function domainErrors<Code extends string>(
  errorClass: DomainErrorClass<Code>,
  status: (code: Code) => HttpStatus,
): DomainErrorMapping {
  return {
    domain: errorClass.name,
    statusOf: (error) => (error instanceof errorClass ? status(error.code as Code) : undefined),
  };
}

/** For a service without domain errors yet: every DomainError at its edge is a 500. */
export const noDomainErrors: DomainErrorMapping = {
  domain: 'none',
  statusOf: () => undefined,
};
