import {
  auditLeafBytes,
  auditLeafHash,
  auditLeafOf,
  parseAuditLeafBytes,
  payloadDigest,
} from './audit-leaf';
import { GENESIS_HASH, link } from './hash-chain';

const chained = link(GENESIS_HASH, {
  tenantId: 'acme',
  sequence: '3',
  eventId: '00000000-0000-4000-8000-000000000003',
  eventType: 'AppointmentBookedV1',
  eventVersion: 1,
  topic: 'scheduling.appointment.v1',
  partition: 0,
  offset: '103',
  producer: 'scheduling',
  occurredAt: new Date('2030-01-01T09:00:00.000Z'),
  recordedAt: new Date('2030-01-01T09:00:00.005Z'),
  correlationId: 'corr-1',
  causationId: null,
  aggregateId: 'appt-1',
  ehrAppointmentId: 'ehr-1',
  appointmentId: 'appt-1',
  traceId: null,
  payload: { appointment: { patient: { givenName: 'Ada', phoneE164: '+15555550100' } } },
});

describe(auditLeafOf.name, () => {
  const sut = auditLeafOf(chained, { actor: 'scheduling', patientIds: ['pat-1'] });

  it('should commit to the payload only by its digest, so leaves carry no PHI', () => {
    const bytes = auditLeafBytes(sut).toString('utf8');

    expect(bytes).not.toContain('Ada');
    expect(bytes).not.toContain('+15555550100');
    expect(sut.payloadSha256).toBe(payloadDigest(chained.payload));
    expect(sut.chainHash).toBe(chained.hash);
  });

  it('should read back exactly the leaf it wrote', () => {
    expect(parseAuditLeafBytes(auditLeafBytes(sut))).toEqual(sut);
  });

  it('should change the leaf hash when any committed field changes', () => {
    const original = auditLeafHash(sut);

    expect(auditLeafHash({ ...sut, actor: 'someone-else' })).not.toEqual(original);
    expect(auditLeafHash({ ...sut, patientIds: ['pat-2'] })).not.toEqual(original);
    expect(auditLeafHash({ ...sut, occurredAt: '2030-01-01T09:00:00.001Z' })).not.toEqual(original);
    expect(auditLeafHash({ ...sut, payloadSha256: payloadDigest({}) })).not.toEqual(original);
  });

  it('should refuse leaf bytes that are not the canonical encoding', () => {
    const reordered = Buffer.from(
      JSON.stringify(JSON.parse(auditLeafBytes(sut).toString('utf8')), null, 1),
    );

    expect(() => parseAuditLeafBytes(reordered)).toThrow(/canonical/);
  });
});
