import { type RankedCandidate } from '../ranking/waitlist-ranking';

import { decideNextWave } from './next-wave';

const NOW = new Date('2026-12-01T12:00:00Z');
const HOUR = 3_600_000;

function ranked(count: number): RankedCandidate[] {
  return Array.from({ length: count }, (_, index) => ({
    entryId: `entry-${index}`,
    patientId: `patient-${index}`,
    rank: index + 1,
    explanation: {
      urgency: 'routine',
      daysWaited: 0,
      waitPoints: 0,
      fitPoints: 0,
      fitReasons: [],
      distanceKm: null,
      distancePenalty: 0,
      declinePenalty: 0,
      score: 0,
    },
  }));
}

describe(decideNextWave.name, () => {
  const settings = { waveSize: 2, escalateWithinHours: 24 };

  it('should offer the top wave even for a slot tomorrow morning', () => {
    const sut = decideNextWave({
      slotStart: new Date(NOW.getTime() + 20 * HOUR),
      now: NOW,
      wavesSent: 0,
      ranked: ranked(5),
      settings,
    });

    expect(sut).toEqual({ kind: 'offer', candidates: ranked(2) });
  });

  it('should alert coordinators instead of a second wave when the slot starts soon', () => {
    const sut = decideNextWave({
      slotStart: new Date(NOW.getTime() + 20 * HOUR),
      now: NOW,
      wavesSent: 1,
      ranked: ranked(5),
      settings,
    });

    expect(sut).toEqual({ kind: 'escalate', reason: 'starts_soon' });
  });

  it('should keep offering further waves for a slot days away', () => {
    const sut = decideNextWave({
      slotStart: new Date(NOW.getTime() + 72 * HOUR),
      now: NOW,
      wavesSent: 3,
      ranked: ranked(1),
      settings,
    });

    expect(sut).toEqual({ kind: 'offer', candidates: ranked(1) });
  });

  it('should name why nobody was offered the slot', () => {
    const base = { slotStart: new Date(NOW.getTime() + 72 * HOUR), now: NOW, ranked: [], settings };

    expect(decideNextWave({ ...base, wavesSent: 0 })).toEqual({
      kind: 'escalate',
      reason: 'no_eligible_patient',
    });
    expect(decideNextWave({ ...base, wavesSent: 2 })).toEqual({
      kind: 'escalate',
      reason: 'all_declined_or_expired',
    });
  });

  it('should expire a slot whose time has come', () => {
    const sut = decideNextWave({
      slotStart: NOW,
      now: NOW,
      wavesSent: 1,
      ranked: ranked(3),
      settings,
    });

    expect(sut).toEqual({ kind: 'expire' });
  });
});
