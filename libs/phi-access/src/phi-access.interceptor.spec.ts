import { type CallHandler, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Request } from 'express';
import { firstValueFrom, of } from 'rxjs';

import { attachPrincipal, type Principal, Role } from '@caredispatch/auth';
import { PhiAccessAction } from '@caredispatch/contracts';

import { type PhiAccess, phiAccessedEvent } from './phi-access';
import { PhiAccessInterceptor } from './phi-access.interceptor';
import { type PhiAccessRecorder } from './phi-access.recorder';
import { RecordPhiAccess } from './record-phi-access.decorator';

const principal: Principal = {
  kind: 'user',
  subject: 'front-desk-1',
  tenantId: 'acme',
  roles: [Role.FrontDesk],
  scopes: [],
  clientId: 'portal',
};

class Handlers {
  @RecordPhiAccess<{ id: string; patientId: string }>({
    action: PhiAccessAction.READ,
    resourceType: 'Appointment',
    describe: (result) => ({
      resourceIds: [result.id],
      patientIds: [result.patientId],
      resultCount: 1,
    }),
  })
  read(): void {}

  health(): void {}
}

function contextFor(handler: keyof Handlers, request: Partial<Request>): ExecutionContext {
  return {
    getHandler: () => Handlers.prototype[handler],
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

function recorder(fail = false) {
  const recorded: { principal: Principal; access: PhiAccess }[] = [];
  const sut = {
    record: (who: Principal, access: PhiAccess) => {
      if (fail) return Promise.reject(new Error('outbox down'));
      recorded.push({ principal: who, access });
      return Promise.resolve();
    },
  } as unknown as PhiAccessRecorder;
  return { recorded, sut };
}

const result = { id: 'appt-1', patientId: 'pat-1' };
const next: CallHandler = { handle: () => of(result) };
const request = {
  method: 'GET',
  route: { path: '/v1/tenants/:tenantId/appointments/:appointmentId' },
} as unknown as Request;

describe(PhiAccessInterceptor.name, () => {
  beforeAll(() => attachPrincipal(request, principal));

  it('should record who read which resource and patient before returning the result', async () => {
    const { recorded, sut } = recorder();
    const interceptor = new PhiAccessInterceptor(new Reflector(), sut);

    const returned = await firstValueFrom(interceptor.intercept(contextFor('read', request), next));

    expect(returned).toBe(result);
    expect(recorded).toEqual([
      {
        principal,
        access: {
          action: PhiAccessAction.READ,
          resourceType: 'Appointment',
          route: 'GET /v1/tenants/:tenantId/appointments/:appointmentId',
          resourceIds: ['appt-1'],
          patientIds: ['pat-1'],
          resultCount: 1,
        },
      },
    ]);
  });

  it('should not serve the result when the access cannot be recorded', async () => {
    const interceptor = new PhiAccessInterceptor(new Reflector(), recorder(true).sut);

    await expect(
      firstValueFrom(interceptor.intercept(contextFor('read', request), next)),
    ).rejects.toThrow('outbox down');
  });

  it('should refuse a PHI route that has no authenticated principal', () => {
    const interceptor = new PhiAccessInterceptor(new Reflector(), recorder().sut);
    const anonymous = { method: 'GET', route: { path: '/x' } } as unknown as Request;

    expect(() => interceptor.intercept(contextFor('read', anonymous), next)).toThrow(/@Authorize/);
  });

  it('should leave routes without @RecordPhiAccess alone', async () => {
    const { recorded, sut } = recorder();
    const interceptor = new PhiAccessInterceptor(new Reflector(), sut);

    await firstValueFrom(interceptor.intercept(contextFor('health', {}), next));

    expect(recorded).toEqual([]);
  });
});

describe(phiAccessedEvent.name, () => {
  it("should build a PhiAccessedV1 in the reader's tenant with distinct ids only", () => {
    const sut = phiAccessedEvent(principal, {
      action: PhiAccessAction.SEARCH,
      route: 'GET /v1/audit/events',
      resourceType: 'AuditEvent',
      patientIds: ['pat-1', 'pat-1', ''],
      filter: { patientId: 'pat-1' },
      resultCount: 7,
    });

    expect(sut).toMatchObject({
      type: 'PhiAccessedV1',
      tenantId: 'acme',
      aggregateId: 'front-desk-1',
      payload: {
        accessor: { subject: 'front-desk-1', clientId: 'portal', roles: ['front-desk'] },
        patientIds: ['pat-1'],
        resourceIds: [],
        filter: { patientId: 'pat-1' },
        resultCount: 7,
      },
    });
  });
});
