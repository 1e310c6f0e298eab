import type { MatrixTravelSpec } from './problem';

/**
 * A plan's travel matrix as stored beside its inputs snapshot: float64 values (lossless for any
 * number the optimizer was given), little-endian: n, then the n×n seconds row by row, then the
 * n×n meters when the spec has them. A 540-point day is 4.7 MB here against ~10 MB of jsonb
 * numerics that PostgreSQL had to parse on every stored version (dispatch-optimizer's plans).
 */
export function encodeTravelMatrix(spec: MatrixTravelSpec): Uint8Array {
  const n = spec.seconds.length;
  const cells = n * n;
  const values = new Float64Array(1 + cells * (spec.meters ? 2 : 1));
  values[0] = n;
  writeRows(values, 1, spec.seconds, n);
  if (spec.meters) writeRows(values, 1 + cells, spec.meters, n);
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

export function decodeTravelMatrix(stored: Uint8Array): MatrixTravelSpec {
  if (stored.byteLength % 8 !== 0 || stored.byteLength < 8) {
    throw new RangeError('stored travel matrix is not a float64 array');
  }
  // Copied: the driver's Buffer may not be 8-byte aligned for a Float64Array view.
  const values = new Float64Array(stored.byteLength / 8);
  new Uint8Array(values.buffer).set(stored);
  const n = values[0];
  const cells = n * n;
  const withMeters = values.length === 1 + 2 * cells;
  if (!Number.isInteger(n) || (values.length !== 1 + cells && !withMeters)) {
    throw new RangeError('stored travel matrix has an inconsistent size');
  }
  const seconds = readRows(values, 1, n);
  return withMeters
    ? { kind: 'matrix', seconds, meters: readRows(values, 1 + cells, n) }
    : { kind: 'matrix', seconds };
}

function writeRows(
  into: Float64Array,
  offset: number,
  rows: readonly (readonly number[])[],
  n: number,
): void {
  rows.forEach((row, i) => {
    if (row.length !== n) throw new RangeError(`travel matrix row ${i} is not ${n} long`);
    into.set(row, offset + i * n);
  });
}

function readRows(values: Float64Array, offset: number, n: number): number[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from(values.subarray(offset + i * n, offset + (i + 1) * n)),
  );
}
