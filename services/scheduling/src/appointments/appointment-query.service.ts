import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import { isUuid } from '@caredispatch/contracts';
import { inTenantTransaction } from '@caredispatch/kafka';

import { LocationEntity } from '../directory/location.entity';
import { ProviderEntity } from '../directory/provider.entity';

import { type AppointmentReaderScope } from './appointment-reader-scope';
import { AppointmentEntity } from './appointment.entity';
import { appointmentNotFound, SchedulingError, SchedulingErrorCode } from './appointments.errors';
import { type AppointmentResponse } from './dto/appointment.response';

@Injectable()
export class AppointmentQueryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Scoped to the caller's tenant (and provider or locations): another tenant's or an
   * out-of-scope appointment is indistinguishable from a missing one (404, not 403), so ids
   * cannot be probed.
   */
  async getAppointment(
    scope: AppointmentReaderScope,
    appointmentId: string,
  ): Promise<AppointmentResponse> {
    const { tenantId } = scope;
    if (!isUuid(appointmentId)) {
      throw new SchedulingError(
        SchedulingErrorCode.InvalidAppointmentId,
        'Appointment id must be a UUID (scheduling id)',
      );
    }
    // Row-level security scopes the reads too; the tenant filters stay as the first line.
    const found = await inTenantTransaction(this.dataSource, tenantId, (manager) =>
      this.findWithinScope(manager, scope, appointmentId),
    );
    if (!found) throw appointmentNotFound();
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

  private async findWithinScope(
    manager: EntityManager,
    scope: AppointmentReaderScope,
    appointmentId: string,
  ): Promise<{ appointment: AppointmentEntity; location: LocationEntity } | undefined> {
    const { tenantId } = scope;
    const appointment = await manager.findOneBy(AppointmentEntity, { tenantId, id: appointmentId });
    if (!appointment || !(await this.withinScope(manager, appointment, scope))) return undefined;
    const location = await manager.findOneByOrFail(LocationEntity, {
      tenantId,
      id: appointment.locationId,
    });
    return { appointment, location };
  }

  /**
   * The token's provider id may be scheduling's provider id or the EHR's practitioner id
   * (what an IdP's directory usually holds); location ids are scheduling's.
   */
  private async withinScope(
    manager: EntityManager,
    appointment: AppointmentEntity,
    scope: AppointmentReaderScope,
  ): Promise<boolean> {
    if (scope.locationIds !== undefined && !scope.locationIds.includes(appointment.locationId)) {
      return false;
    }
    if (scope.providerId === undefined) return true;
    if (appointment.providerId === null) return false;
    const provider = await manager.findOneBy(ProviderEntity, {
      tenantId: scope.tenantId,
      id: appointment.providerId,
    });
    return (
      provider !== null && [provider.id, provider.ehrPractitionerId].includes(scope.providerId)
    );
  }
}
