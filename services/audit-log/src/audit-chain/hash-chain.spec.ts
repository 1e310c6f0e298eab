import { canonicalJson } from './canonical-json';
import {
  ChainBreak,
  type ChainedRecord,
  type ChainLink,
  ChainVerifier,
  chainHash,
  GENESIS_HASH,
  link,
} from './hash-chain';

function record(sequence: number, overrides: Partial<ChainedRecord> = {}): ChainedRecord {
  return {
    tenantId: 'acme',
    sequence: String(sequence),
    eventId: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    eventType: 'AppointmentBookedV1',
    eventVersion: 1,
    topic: 'scheduling.appointment.v1',
    partition: 0,
    offset: String(100 + sequence),
    producer: 'scheduling',
    occurredAt: new Date(Date.UTC(2030, 0, 1, 9, 0, sequence)),
    recordedAt: new Date(Date.UTC(2030, 0, 1, 9, 0, sequence, 5)),
    correlationId: 'corr-1',
    causationId: null,
    aggregateId: 'agg-1',
    ehrAppointmentId: 'ehr-1',
    appointmentId: null,
    traceId: null,
    payload: { appointment: { revision: sequence, start: '2030-01-02T09:00:00Z' } },
    ...overrides,
  };
}

function chainOf(length: number): ChainLink[] {
  const links: ChainLink[] = [];
  let previous = GENESIS_HASH;
  for (let sequence = 1; sequence <= length; sequence += 1) {
    const next = link(previous, record(sequence));
    links.push(next);
    previous = next.hash;
  }
  return links;
}

function verify(
  links: readonly ChainLink[],
  head = { sequence: String(links.length), lastHash: links.at(-1)?.hash ?? GENESIS_HASH },
) {
  const sut = new ChainVerifier();
  for (const current of links) {
    const broken = sut.next(current);
    if (broken) return broken;
  }
  return sut.finish(head);
}

describe(ChainVerifier.name, () => {
  it('should accept an untouched chain', () => {
    expect(verify(chainOf(5))).toBeUndefined();
  });

  it('should accept an empty chain with no head', () => {
    const sut = new ChainVerifier();
    expect(sut.finish(null)).toBeUndefined();
  });

  it('should detect an edited payload at the edited link', () => {
    const links = chainOf(5);
    links[2] = {
      ...links[2],
      payload: { appointment: { revision: 99, start: '2030-01-02T09:00:00Z' } },
    };
    expect(verify(links)).toEqual({
      reason: ChainBreak.HashMismatch,
      sequence: '3',
      eventId: links[2].eventId,
    });
  });

  it('should detect an edited envelope field', () => {
    const links = chainOf(3);
    links[0] = { ...links[0], producer: 'someone-else' };
    expect(verify(links)).toMatchObject({ reason: ChainBreak.HashMismatch, sequence: '1' });
  });

  it('should detect a row edited together with a recomputed hash at the next link', () => {
    const links = chainOf(4);
    const forged = { ...links[1], causationId: 'forged' };
    links[1] = { ...forged, hash: chainHash(forged.prevHash, forged) };
    expect(verify(links)).toMatchObject({ reason: ChainBreak.PrevHashMismatch, sequence: '3' });
  });

  it('should detect a deleted row in the middle', () => {
    const links = chainOf(4);
    links.splice(1, 1);
    expect(verify(links)).toMatchObject({ reason: ChainBreak.SequenceGap, sequence: '2' });
  });

  it('should detect a truncated tail through the head', () => {
    const links = chainOf(4);
    const head = { sequence: '4', lastHash: links[3].hash };
    expect(verify(links.slice(0, 3), head)).toEqual({
      reason: ChainBreak.HeadMismatch,
      sequence: '4',
      eventId: null,
    });
  });

  it('should resume after an archived prefix from the archive’s last link', () => {
    const links = chainOf(6);
    const archived = { sequence: '3', lastHash: links[2].hash };
    const sut = new ChainVerifier(archived);

    const broken = links.slice(3).map((current) => sut.next(current));

    expect(broken).toEqual([undefined, undefined, undefined]);
    expect(sut.finish({ sequence: '6', lastHash: links[5].hash })).toBeUndefined();
    expect(sut.checkedCount).toBe(3);
  });

  it('should detect retained rows that do not follow the archived prefix', () => {
    const links = chainOf(6);

    expect(new ChainVerifier({ sequence: '2', lastHash: links[1].hash }).next(links[3])).toEqual({
      reason: ChainBreak.SequenceGap,
      sequence: '3',
      eventId: links[3].eventId,
    });
    expect(new ChainVerifier({ sequence: '3', lastHash: links[1].hash }).next(links[3])).toEqual({
      reason: ChainBreak.PrevHashMismatch,
      sequence: '4',
      eventId: links[3].eventId,
    });
  });

  it('should not depend on the key order of the payload', () => {
    const first = record(1, { payload: { b: 1, a: { d: [1, { z: true, y: null }], c: 'x' } } });
    const reordered = record(1, { payload: { a: { c: 'x', d: [1, { y: null, z: true }] }, b: 1 } });
    expect(chainHash(GENESIS_HASH, reordered)).toBe(chainHash(GENESIS_HASH, first));
  });
});

describe(canonicalJson.name, () => {
  it('should sort keys at every depth and keep array order', () => {
    expect(canonicalJson({ b: [2, 1], a: { y: 'é', x: null } })).toBe(
      '{"a":{"x":null,"y":"é"},"b":[2,1]}',
    );
  });

  it('should refuse numbers JSON cannot represent', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(RangeError);
  });
});
