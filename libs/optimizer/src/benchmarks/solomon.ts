import { readFileSync } from 'node:fs';

import type { Problem } from '../model';

export interface SolomonCustomer {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly demand: number;
  readonly readyTime: number;
  readonly dueDate: number;
  readonly serviceTime: number;
}

export interface SolomonInstance {
  readonly name: string;
  readonly vehicleCount: number;
  readonly capacity: number;
  /** Depot first (id 0), then customers in file order. */
  readonly depot: SolomonCustomer;
  readonly customers: readonly SolomonCustomer[];
}

export class SolomonFormatError extends Error {
  override readonly name = 'SolomonFormatError';
}

/** Parses the classic Solomon text layout: name, VEHICLE block (number, capacity), CUSTOMER table. */
export function parseSolomon(text: string): SolomonInstance {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const name = lines.find((l) => l.length > 0);
  if (!name) throw new SolomonFormatError('empty file');
  const vehicleHeader = lines.findIndex((l) => /^NUMBER\s+CAPACITY$/i.test(l));
  if (vehicleHeader < 0) throw new SolomonFormatError('missing VEHICLE NUMBER/CAPACITY header');
  const [vehicleCount, capacity] = numbers(lines[vehicleHeader + 1], 2, 'vehicle line');
  const tableHeader = lines.findIndex((l) => /^CUST\s+NO\./i.test(l));
  if (tableHeader < 0) throw new SolomonFormatError('missing CUSTOMER table header');
  const rows: SolomonCustomer[] = [];
  for (const line of lines.slice(tableHeader + 1)) {
    if (line.length === 0) continue;
    const [id, x, y, demand, readyTime, dueDate, serviceTime] = numbers(
      line,
      7,
      `customer line "${line}"`,
    );
    rows.push({ id, x, y, demand, readyTime, dueDate, serviceTime });
  }
  if (rows.length < 2 || rows[0].id !== 0)
    throw new SolomonFormatError('expected the depot (id 0) and at least one customer');
  return { name, vehicleCount, capacity, depot: rows[0], customers: rows.slice(1) };
}

function numbers(line: string | undefined, count: number, what: string): number[] {
  const values = (line ?? '')
    .split(/\s+/)
    .filter((s) => s.length > 0)
    .map(Number);
  if (values.length !== count || values.some((v) => !Number.isFinite(v)))
    throw new SolomonFormatError(`malformed ${what}`);
  return values;
}

export function readSolomonFile(path: string): SolomonInstance {
  return parseSolomon(readFileSync(path, 'utf8'));
}

/**
 * Vehicles → identical providers with capacity and the depot's window as their shift; customers → appointments
 * with one start window, load = demand; travel = Euclidean distance at full precision (time = distance);
 * objective = distance. Location index i is the i-th row (0 = depot); appointment ids are the customer numbers.
 */
export function solomonToProblem(instance: SolomonInstance): Problem {
  const points = [instance.depot, ...instance.customers];
  const matrix = points.map((a) => points.map((b) => Math.hypot(a.x - b.x, a.y - b.y)));
  return {
    locations: points.map((p) => ({ id: String(p.id) })),
    travel: { kind: 'matrix', seconds: matrix, meters: matrix },
    objective: { mode: 'distance' },
    providers: Array.from({ length: instance.vehicleCount }, (_, i) => ({
      id: `vehicle-${i + 1}`,
      credentials: [],
      startLocation: 0,
      endLocation: 0,
      capacity: instance.capacity,
      availability: [{ start: instance.depot.readyTime, end: instance.depot.dueDate }],
    })),
    appointments: instance.customers.map((c, i) => ({
      id: String(c.id),
      location: i + 1,
      durationSeconds: c.serviceTime,
      timeWindows: [{ start: c.readyTime, end: c.dueDate }],
      load: c.demand,
    })),
  };
}

/**
 * Total distance of `routes` (customer ids, each route from and back to the depot) under the DIMACS 2021 VRPTW
 * convention: every arc truncated to one decimal. The distance-only best-known tables for Gehring & Homberger are in
 * it, so a gap to them compares like with like. A plan feasible at full precision stays feasible there: truncated
 * travel times only make it arrive earlier.
 */
export function dimacsDistance(instance: SolomonInstance, routes: readonly number[][]): number {
  const byId = new Map(instance.customers.map((c) => [c.id, c]));
  const tenths = (a: SolomonCustomer, b: SolomonCustomer): number => {
    const squared = (a.x - b.x) ** 2 + (a.y - b.y) ** 2;
    // sqrt(100·d²) is exact for integer coordinates whose arc is a whole number of tenths, so the floor is too.
    return Math.floor(Math.sqrt(100 * squared) + 1e-9);
  };
  let total = 0;
  for (const route of routes) {
    let previous = instance.depot;
    for (const id of route) {
      const customer = byId.get(id);
      if (!customer) throw new SolomonFormatError(`route visits unknown customer ${id}`);
      total += tenths(previous, customer);
      previous = customer;
    }
    if (route.length > 0) total += tenths(previous, instance.depot);
  }
  return total / 10;
}
