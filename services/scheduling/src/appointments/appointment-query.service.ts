import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import { EntityManager } from 'typeorm';

import { isUuid } from '@caredispatch/contracts';

import { LocationEntity } from '../directory/location.entity';

import { AppointmentEntity } from './appointment.entity';
import { SchedulingError, SchedulingErrorCode } from './appointments.errors';
import { type AppointmentResponse } from './dto/appointment.response';

@Injectable()
export class AppointmentQueryService {
  constructor(@InjectEntityManager() private readonly manager: EntityManager) {}

  /**
   * Tenant-scoped: another tenant's appointment is indistinguishable from a missing one
   * (404, not 403), so ids cannot be probed across tenants.
   */
  async getAppointment(tenantId: string, appointmentId: string): Promise<AppointmentResponse> {
    if (!isUuid(appointmentId)) {
      throw new SchedulingError(
        SchedulingErrorCode.InvalidAppointmentId,
        'Appointment id must be a UUID (scheduling id)',
      );
    }
    const appointment = await this.manager.findOneBy(AppointmentEntity, {
      tenantId,
      id: appointmentId,
    });
    if (!appointment) {
      throw new SchedulingError(SchedulingErrorCode.AppointmentNotFound, 'Appointment not found');
    }
    const location = await this.manager.findOneByOrFail(LocationEntity, {
      tenantId,
      id: appointment.locationId,
    });
    return {
      id: appointment.id,
      tenantId: appointment.tenantId,
      ehrAppointmentId: appointment.ehrAppointmentId,
      ehrVersion: appointment.ehrVersion,
      status: appointment.status,
      revision: appointment.revision,
      start: appointment.startAt.toISOString(),
      end: appointment.endAt.toISOString(),
      location: { id: location.id, timeZone: location.timeZone },
      patientId: appointment.patientId,
      providerId: appointment.providerId,
      updatedAt: appointment.updatedAt.toISOString(),
    };
  }
}
