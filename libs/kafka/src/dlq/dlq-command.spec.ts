import { DlqUsageError, parseDlqCommand } from './dlq-command';

describe(parseDlqCommand.name, () => {
  const sut = (argv: string[], env: Record<string, string> = {}) => parseDlqCommand(argv, env);

  it('should list with filters and brokers from the environment', () => {
    expect(
      sut(['list', '--topic', 't.v1', '--tenant', 'acme'], { KAFKA_BROKERS: 'k1:9092,k2:9092' }),
    ).toEqual({
      brokers: ['k1:9092', 'k2:9092'],
      command: { name: 'list', topic: 't.v1', tenantId: 'acme', json: false },
    });
  });

  it('should show one dead letter by its coordinates', () => {
    expect(sut(['show', 't.v1.dlq', '2', '41', '--json']).command).toEqual({
      name: 'show',
      dlqTopic: 't.v1.dlq',
      partition: 2,
      offset: 41n,
      json: true,
      withPayload: false,
    });
  });

  it.each([
    [
      ['replay', 't.v1.dlq', '0', '5'],
      { kind: 'one', dlqTopic: 't.v1.dlq', partition: 0, offset: 5n },
    ],
    [
      ['replay', 't.v1.dlq', '1', '3..9'],
      { kind: 'range', dlqTopic: 't.v1.dlq', partition: 1, from: 3n, to: 9n },
    ],
    [['replay', '--tenant', 'acme'], { kind: 'tenant', tenantId: 'acme' }],
  ])('should replay %j', (argv, selection) => {
    expect(sut(argv).command).toMatchObject({ name: 'replay', selection, dryRun: false });
  });

  it.each([
    [['frobnicate'], /unknown command/],
    [['show', 't.v1', '0', '1'], /not a \.dlq topic/],
    [['show', 't.v1.dlq', 'x', '1'], /partition "x"/],
    [['replay', 't.v1.dlq', '0', '9..3'], /ends before it starts/],
    [['replay', 't.v1.dlq', '0'], /replay needs/],
    [['replay', '--tenant', 'acme', 't.v1.dlq'], /takes no coordinates/],
    [['list', '--bogus'], /bogus/],
    [['list', '--brokers', 'not a broker'], /host:port/],
  ])('should refuse %j with a usage error', (argv, message) => {
    expect(() => sut(argv)).toThrow(DlqUsageError);
    expect(() => sut(argv)).toThrow(message);
  });

  it('should answer help without a command', () => {
    expect(sut([]).command).toEqual({ name: 'help' });
  });
});
