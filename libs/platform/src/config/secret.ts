import { inspect } from 'node:util';

import { z } from 'zod';

const REDACTED = '[secret]';

/**
 * A configuration value that must never reach a log, an error or a config dump. Every way of
 * printing it — String(), template strings, JSON.stringify (and so pino), util.inspect (and so
 * console.log) — shows `[secret]`; the value is available only through an explicit `reveal()`.
 */
export class Secret<T = string> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
    Object.freeze(this);
  }

  /** The secret itself; call it only where the value is handed to what needs it. */
  reveal(): T {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/**
 * A required secret string from the environment. Validation messages name the rule, never the
 * value (loadConfig prints variable names only).
 */
export function secretString(
  options: { description?: string; minLength?: number } = {},
): z.ZodType<Secret, z.ZodTypeDef, string> {
  const { description = 'secret', minLength = 1 } = options;
  return z
    .string({ required_error: `is required (${description})` })
    .min(
      minLength,
      minLength === 1 ? 'must not be empty' : `must be at least ${minLength} characters`,
    )
    .transform((value) => new Secret(value));
}
