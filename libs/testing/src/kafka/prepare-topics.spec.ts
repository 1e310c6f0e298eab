import { topicPreparationFromEnvironment } from './prepare-topics';

describe(topicPreparationFromEnvironment.name, () => {
  it('should ask for one replica, one in sync, when the environment names none (a single broker)', () => {
    expect(topicPreparationFromEnvironment({})).toEqual({
      replicationFactor: 1,
      minInsyncReplicas: 1,
    });
  });

  it("should read the cluster's replication as the services read it", () => {
    const sut = topicPreparationFromEnvironment({
      KAFKA_TOPIC_REPLICATION_FACTOR: '3',
      KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '2',
    });

    expect(sut).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it.each(['0', '-1', '2.5', 'three'])(
    'should refuse %p as a replication factor, naming the variable',
    (value) => {
      expect(() =>
        topicPreparationFromEnvironment({ KAFKA_TOPIC_REPLICATION_FACTOR: value }),
      ).toThrow(/^KAFKA_TOPIC_REPLICATION_FACTOR: expected an integer >= 1/);
    },
  );
});
