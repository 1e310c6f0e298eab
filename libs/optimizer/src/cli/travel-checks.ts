import type { Problem } from '../model';
import type { FieldError } from './problem-validation';

/**
 * Travel-related checks the schema cannot express: great-circle travel needs
 * coordinates on every location, and matrices must be L×L. Done before
 * compiling so the error names the field instead of surfacing as a crash.
 */
export function checkTravelInput(problem: Problem): FieldError[] {
  const travel = problem.travel ?? { kind: 'great-circle' as const };
  const count = problem.locations.length;
  if (travel.kind === 'great-circle') {
    return problem.locations.flatMap((location, index) =>
      location.coordinates === undefined
        ? [
            {
              pointer: `/locations/${index}/coordinates`,
              message: 'is required for great-circle travel',
            },
          ]
        : [],
    );
  }
  const errors: FieldError[] = [];
  const checkMatrix = (
    name: 'seconds' | 'meters',
    matrix: readonly (readonly number[])[] | undefined,
  ): void => {
    if (matrix === undefined) return;
    if (matrix.length !== count)
      errors.push({
        pointer: `/travel/${name}`,
        message: `must have ${count} rows (one per location)`,
      });
    matrix.forEach((row, index) => {
      if (row.length !== count)
        errors.push({ pointer: `/travel/${name}/${index}`, message: `must have ${count} entries` });
    });
  };
  checkMatrix('seconds', travel.seconds);
  checkMatrix('meters', travel.meters);
  return errors;
}
