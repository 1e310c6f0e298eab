/**
 * A failure the caller can act on. Each service declares its codes as an enum and maps
 * them to HTTP statuses at the edge with an exhaustive switch.
 */
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = DomainError.name;
  }
}
