/** A closed interval of time in seconds since the planning horizon's origin (e.g. Monday 00:00 local time). */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

export function windowsOverlap(a: TimeWindow, b: TimeWindow): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function intersectWindows(a: TimeWindow, b: TimeWindow): TimeWindow | null {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return start <= end ? { start, end } : null;
}
