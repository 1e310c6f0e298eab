import { decodeTravelMatrix, encodeTravelMatrix } from '@caredispatch/optimizer';

import type { PlanInputs } from './problem-builder';

/**
 * The inputs snapshot as stored: a travel matrix goes to its own bytea column (encoded by
 * the optimizer's travel-matrix-codec), the rest stays jsonb.
 */
export function splitTravelMatrix(inputs: PlanInputs): {
  inputs: object;
  travelMatrix: Buffer | null;
} {
  const { travel, ...problem } = inputs.problem;
  if (travel?.kind !== 'matrix') return { inputs, travelMatrix: null };
  const encoded = encodeTravelMatrix(travel);
  const travelMatrix = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  return { inputs: { ...inputs, problem }, travelMatrix };
}

/** The stored inputs snapshot back whole (rows from before the split keep the matrix in jsonb). */
export function joinTravelMatrix(inputs: unknown, travelMatrix: Buffer | null): PlanInputs {
  const stored = inputs as PlanInputs;
  if (travelMatrix === null) return stored;
  return { ...stored, problem: { ...stored.problem, travel: decodeTravelMatrix(travelMatrix) } };
}
