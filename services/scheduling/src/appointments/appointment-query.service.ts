import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import { isUuid } from '@caredispatch/contracts';
import { inTenantTransaction } from '@caredispatch/kafka';

import { LocationEntity } from '../directory/location.entity';

import { AppointmentEntity } from './appointment.entity';
import { SchedulingError, SchedulingErrorCode } from './appointments.errors';
import { type AppointmentResponse } from './dto/appointment.response';

@Injectable()
export class AppointmentQueryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
    // Row-level security scopes the reads too; the tenant filters stay as the first line.
    const found = await inTenantTransaction(this.dataSource, tenantId, (manager) =>
      this.findWithLocation(manager, tenantId, appointmentId),
    );
    if (!found) {
      throw new SchedulingError(SchedulingErrorCode.AppointmentNotFound, 'Appointment not found');
    }
    const { appointment, location } = found;
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

  private async findWithLocation(
    manager: EntityManager,
    tenantId: string,
    appointmentId: string,
  ): Promise<{ appointment: AppointmentEntity; location: LocationEntity } | undefined> {
    const appointment = await manager.findOneBy(AppointmentEntity, { tenantId, id: appointmentId });
    if (!appointment) return undefined;
    const location = await manager.findOneByOrFail(LocationEntity, {
      tenantId,
      id: appointment.locationId,
    });
    return { appointment, location };
  }
}
