import { resolveTopicSettings } from './ensure-topics';

describe(resolveTopicSettings.name, () => {
  it('should default to one replica for a single local broker', () => {
    expect(resolveTopicSettings()).toEqual({
      numPartitions: 3,
      replicationFactor: 1,
      minInsyncReplicas: 1,
    });
  });

  it('should keep the cluster settings it is given', () => {
    const sut = resolveTopicSettings({ replicationFactor: 3, minInsyncReplicas: 2 });

    expect(sut).toMatchObject({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('should refuse more in-sync replicas than replicas', () => {
    expect(() => resolveTopicSettings({ replicationFactor: 1, minInsyncReplicas: 2 })).toThrow(
      'minInsyncReplicas must not exceed replicationFactor',
    );
  });

  it('should refuse a replication factor below one', () => {
    expect(() => resolveTopicSettings({ replicationFactor: 0 })).toThrow(RangeError);
  });
});
