import { randomUUID } from 'node:crypto';

import {
  createEnvelope,
  decodeEvent,
  encodeEnvelope,
  PhiAccessAction,
  Topics,
  eventRegistry,
} from '@caredispatch/contracts';

import {
  linkOpenedEvent,
  offerLinkOpenedEvent,
  PATIENT_PAGE_CLIENT,
  WAITLIST_OFFER_RESOURCE,
} from './link-opened';

describe(linkOpenedEvent.name, () => {
  const linkId = randomUUID();
  const appointmentId = randomUUID();
  const correlationId = randomUUID();

  it('should be a valid read of one appointment by the link, on the access topic, in the booking’s correlation', () => {
    const sut = linkOpenedEvent({
      tenantId: 'clinic-1',
      linkId,
      appointmentId,
      correlationId,
      route: 'GET /a/:token/reschedule',
    });

    const decoded = decodeEvent(encodeEnvelope(createEnvelope(sut, { producer: 'messaging' })));

    expect(eventRegistry[sut.type].topic).toBe(Topics.AuditPhiAccessV1);
    expect(decoded.type).toBe('PhiAccessedV1');
    expect(decoded.envelope).toMatchObject({
      tenantId: 'clinic-1',
      aggregateId: `patient-link:${linkId}`,
      correlationId,
    });
    expect(decoded.payload).toMatchObject({
      accessor: { subject: `patient-link:${linkId}`, clientId: PATIENT_PAGE_CLIENT, roles: [] },
      action: PhiAccessAction.READ,
      route: 'GET /a/:token/reschedule',
      resourceType: 'Appointment',
      resourceIds: [appointmentId],
      patientIds: [],
      resultCount: 1,
    });
  });
});

describe(offerLinkOpenedEvent.name, () => {
  const linkId = randomUUID();
  const offerId = randomUUID();
  const patientId = randomUUID();
  const correlationId = randomUUID();

  it('should be a valid read of one offer by the link, naming the patient by id only', () => {
    const sut = offerLinkOpenedEvent({
      tenantId: 'clinic-1',
      linkId,
      offerId,
      patientId,
      correlationId,
    });

    const decoded = decodeEvent(encodeEnvelope(createEnvelope(sut, { producer: 'messaging' })));

    expect(eventRegistry[sut.type].topic).toBe(Topics.AuditPhiAccessV1);
    expect(decoded.envelope).toMatchObject({
      tenantId: 'clinic-1',
      aggregateId: `patient-link:${linkId}`,
      correlationId,
    });
    expect(decoded.payload).toMatchObject({
      accessor: { subject: `patient-link:${linkId}`, clientId: PATIENT_PAGE_CLIENT, roles: [] },
      action: PhiAccessAction.READ,
      route: 'GET /o/:token',
      resourceType: WAITLIST_OFFER_RESOURCE,
      resourceIds: [offerId],
      patientIds: [patientId],
      resultCount: 1,
    });
  });

  it('should name no patient when the offer named none', () => {
    const sut = offerLinkOpenedEvent({
      tenantId: 'c',
      linkId,
      offerId,
      patientId: '',
      correlationId,
    });

    expect(sut.payload.patientIds).toEqual([]);
  });
});
