import { HttpStatus } from '@nestjs/common';

import { DomainError, domainErrors, noDomainErrors } from './domain-error';

enum RoomErrorCode {
  RoomTaken = 'ROOM_TAKEN',
  RoomClosed = 'ROOM_CLOSED',
}
class RoomError extends DomainError<RoomErrorCode> {}
class DeskError extends DomainError<RoomErrorCode> {}

const roomStatus = (code: RoomErrorCode): HttpStatus => {
  switch (code) {
    case RoomErrorCode.RoomTaken:
      return HttpStatus.CONFLICT;
    case RoomErrorCode.RoomClosed:
      return HttpStatus.GONE;
  }
};

describe(domainErrors.name, () => {
  const sut = domainErrors(RoomError, roomStatus);

  it("should map the service's own error through its switch", () => {
    expect(sut.statusOf(new RoomError(RoomErrorCode.RoomTaken, 'taken'))).toBe(HttpStatus.CONFLICT);
  });

  it('should not own an error of another class that happens to share the code', () => {
    expect(sut.statusOf(new DeskError(RoomErrorCode.RoomTaken, 'taken'))).toBeUndefined();
    expect(sut.statusOf(new DomainError(RoomErrorCode.RoomTaken, 'taken'))).toBeUndefined();
  });

  it('should name the error after its subclass', () => {
    expect(new RoomError(RoomErrorCode.RoomTaken, 'taken').name).toBe('RoomError');
  });
});

describe('noDomainErrors', () => {
  it('should own no domain error at all', () => {
    expect(
      noDomainErrors.statusOf(new RoomError(RoomErrorCode.RoomTaken, 'taken')),
    ).toBeUndefined();
  });
});
