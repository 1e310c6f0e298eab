export interface CausalNode {
  readonly eventId: string;
  /** Id of the event that caused this one; null (or an id outside the set) makes it a root. */
  readonly causationId: string | null;
  readonly occurredAt: Date;
  /** Position in which the audit log recorded it (the tenant's chain sequence). */
  readonly recordedOrder: bigint;
}

/**
 * Orders a trail so every cause precedes its effects (a topological order over causation
 * ids); among events whose causes are all placed, the earlier occurred_at goes first, then
 * the earlier recorded. Producers' clocks differ, so occurred_at alone could put an effect
 * before its cause; causation ids cannot.
 */
export function causalOrder<T extends CausalNode>(events: readonly T[]): T[] {
  const byId = new Map(events.map((event) => [event.eventId, event]));
  const children = new Map<string, T[]>();
  const ready: T[] = [];
  for (const event of events) {
    const cause = event.causationId;
    if (cause !== null && cause !== event.eventId && byId.has(cause)) {
      const siblings = children.get(cause) ?? [];
      siblings.push(event);
      children.set(cause, siblings);
    } else {
      ready.push(event);
    }
  }

  const ordered: T[] = [];
  const placed = new Set<string>();
  ready.sort(byTime);
  while (ready.length > 0) {
    const next = ready.shift() as T;
    if (placed.has(next.eventId)) continue;
    placed.add(next.eventId);
    ordered.push(next);
    for (const child of children.get(next.eventId) ?? []) insertSorted(ready, child);
  }
  // Only a causation cycle (impossible for genuine events: an id names an earlier event)
  // leaves events unplaced; list them rather than hide them from an audit trail.
  const unplaced = events.filter((event) => !placed.has(event.eventId));
  return ordered.concat([...unplaced].sort(byTime));
}

function byTime(a: CausalNode, b: CausalNode): number {
  const time = a.occurredAt.getTime() - b.occurredAt.getTime();
  if (time !== 0) return time;
  return a.recordedOrder < b.recordedOrder ? -1 : a.recordedOrder > b.recordedOrder ? 1 : 0;
}

function insertSorted<T extends CausalNode>(queue: T[], item: T): void {
  let low = 0;
  let high = queue.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (byTime(queue[middle], item) <= 0) low = middle + 1;
    else high = middle;
  }
  queue.splice(low, 0, item);
}
