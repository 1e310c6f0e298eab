import { renderPrometheusText } from './prometheus-text';

describe(renderPrometheusText.name, () => {
  const sut = renderPrometheusText;

  it('should render help, type and one line per sample with labels', () => {
    const text = sut([
      {
        name: 'caredispatch_kafka_dead_letters_total',
        help: 'Messages sent to <topic>.dlq.',
        type: 'counter',
        samples: [
          { labels: { topic: 'scheduling.appointment.v1', group: 'messaging' }, value: 3 },
          { labels: { topic: 'ehr.appointment.v1', group: 'messaging' }, value: 1 },
        ],
      },
      {
        name: 'caredispatch_kafka_consumer_stalled_partitions',
        help: 'Stalled partitions.',
        type: 'gauge',
        samples: [{ labels: {}, value: 0 }],
      },
    ]);

    expect(text).toBe(
      [
        '# HELP caredispatch_kafka_dead_letters_total Messages sent to <topic>.dlq.',
        '# TYPE caredispatch_kafka_dead_letters_total counter',
        'caredispatch_kafka_dead_letters_total{topic="scheduling.appointment.v1",group="messaging"} 3',
        'caredispatch_kafka_dead_letters_total{topic="ehr.appointment.v1",group="messaging"} 1',
        '# HELP caredispatch_kafka_consumer_stalled_partitions Stalled partitions.',
        '# TYPE caredispatch_kafka_consumer_stalled_partitions gauge',
        'caredispatch_kafka_consumer_stalled_partitions 0',
        '',
      ].join('\n'),
    );
  });

  it('should escape quotes, backslashes and newlines in label values', () => {
    const text = sut([
      {
        name: 'm',
        help: 'h',
        type: 'gauge',
        samples: [{ labels: { topic: 'a"b\\c\nd' }, value: 1 }],
      },
    ]);

    expect(text.split('\n')[2]).toBe('m{topic="a\\"b\\\\c\\nd"} 1');
  });
});
