import { Writable } from 'node:stream';

import pino from 'pino';

import { JsonLogger } from './json-logger';

function captureLogger(): { sut: JsonLogger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino(
    {
      messageKey: 'message',
      redact: { paths: ['phone', '*.phone', 'patient', '*.patient', 'body'], censor: '[REDACTED]' },
    },
    sink,
  );
  return {
    sut: new JsonLogger(logger),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe(JsonLogger.name, () => {
  it('should write one JSON object with the message, fields and Nest context', () => {
    const { sut, lines } = captureLogger();

    sut.log({ appointmentId: 'a-1' }, 'appointment booked', 'AppointmentService');

    expect(lines()).toEqual([
      expect.objectContaining({
        message: 'appointment booked',
        appointmentId: 'a-1',
        context: 'AppointmentService',
      }),
    ]);
  });

  it('should redact patient data that reaches it by mistake', () => {
    const { sut, lines } = captureLogger();

    sut.warn({ phone: '+16175550142', patient: { name: 'Maria' }, body: 'Your visit…' }, 'oops');

    const [line] = lines();
    expect(JSON.stringify(line)).not.toContain('+16175550142');
    expect(JSON.stringify(line)).not.toContain('Maria');
    expect(line).toEqual(expect.objectContaining({ phone: '[REDACTED]', patient: '[REDACTED]' }));
  });

  it('should keep an error stack passed the Nest way', () => {
    const { sut, lines } = captureLogger();

    sut.error('relay failed', 'Error: boom\n    at x', 'OutboxRelay');

    expect(lines()).toEqual([
      expect.objectContaining({
        message: 'relay failed',
        stack: 'Error: boom\n    at x',
        context: 'OutboxRelay',
      }),
    ]);
  });
});
