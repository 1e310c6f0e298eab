import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

import problemSchema from '../../schemas/problem.schema.json';
import solutionSchema from '../../schemas/solution.schema.json';

import type { Problem, Solution } from '../model';

/**
 * JSON Schema validation of the CLI's input and output. A failure names the
 * field as a JSON pointer (RFC 6901), e.g. `/appointments/3/durationSeconds`.
 */

export interface FieldError {
  /** JSON pointer to the offending value; "" is the document itself. */
  readonly pointer: string;
  readonly message: string;
}

const ajv = new Ajv({ allErrors: true, strict: true });
const problemValidator = ajv.compile<Problem>(problemSchema);
const solutionValidator = ajv.compile<Solution>(solutionSchema);

export function validateProblem(document: unknown): FieldError[] {
  return validate(problemValidator, document);
}

export function validateSolution(document: unknown): FieldError[] {
  return validate(solutionValidator, document);
}

export function isProblem(document: unknown): document is Problem {
  return problemValidator(document);
}

function validate(validator: ValidateFunction, document: unknown): FieldError[] {
  if (validator(document)) return [];
  return mostSpecific(validator.errors ?? []).map(describe);
}

/**
 * `oneOf` reports every branch's complaint plus its own; keeping only the
 * deepest pointers leaves the errors a person can act on.
 */
function mostSpecific(errors: readonly ErrorObject[]): ErrorObject[] {
  const pointers = errors.map((error) => pointerOf(error));
  return errors.filter((error, index) => {
    const pointer = pointers[index] ?? '';
    return !pointers.some((other) => other !== pointer && other.startsWith(`${pointer}/`));
  });
}

function pointerOf(error: ErrorObject): string {
  if (error.keyword === 'required' || error.keyword === 'additionalProperties') {
    const property =
      (error.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ??
      (error.params as { additionalProperty?: string }).additionalProperty;
    if (property !== undefined)
      return `${error.instancePath}/${property.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  }
  return error.instancePath;
}

function describe(error: ErrorObject): FieldError {
  const pointer = pointerOf(error);
  switch (error.keyword) {
    case 'required':
      return { pointer, message: 'is required' };
    case 'additionalProperties':
      return { pointer, message: 'is not an allowed property' };
    default:
      return { pointer, message: error.message ?? `fails ${error.keyword}` };
  }
}
