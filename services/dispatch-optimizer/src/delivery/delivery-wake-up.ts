import { type EntityManager } from 'typeorm';

/** NOTIFY channel a committed delivery wakes the loop on. */
export const ITINERARY_DUE_CHANNEL = 'itinerary_delivery_due';

/**
 * Announces queued deliveries in the caller's transaction: the NOTIFY is delivered only if it
 * commits, so the loop sends within a round trip instead of a poll interval.
 */
export async function announceDueDeliveries(manager: EntityManager): Promise<void> {
  await manager.query(`SELECT pg_notify($1, '')`, [ITINERARY_DUE_CHANNEL]);
}
