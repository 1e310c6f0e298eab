/** How topics are created; free of kafkajs types because KafkaModuleOptions exposes it. */
export interface TopicSettings {
  readonly numPartitions?: number;
  /** 1 on a single local broker; 3 on a cluster (KAFKA_TOPIC_REPLICATION_FACTOR). */
  readonly replicationFactor?: number;
  /**
   * Replicas that must have a write before an `acks=all` producer gets its ack; with RF 3
   * and 2 here, one broker may fail without losing an acknowledged event
   * (KAFKA_TOPIC_MIN_INSYNC_REPLICAS).
   */
  readonly minInsyncReplicas?: number;
}

export function resolveTopicSettings(settings: TopicSettings = {}): Required<TopicSettings> {
  const resolved = {
    numPartitions: settings.numPartitions ?? 3,
    replicationFactor: settings.replicationFactor ?? 1,
    minInsyncReplicas: settings.minInsyncReplicas ?? 1,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`${name} must be an integer >= 1`);
  }
  if (resolved.minInsyncReplicas > resolved.replicationFactor) {
    // Every acks=all write would be refused with NOT_ENOUGH_REPLICAS.
    throw new RangeError('minInsyncReplicas must not exceed replicationFactor');
  }
  return resolved;
}
