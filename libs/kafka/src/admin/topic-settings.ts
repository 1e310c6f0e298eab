/** How topics are created; free of kafkajs types because KafkaModuleOptions exposes it. */
export interface TopicSettings {
  readonly numPartitions?: number;
  readonly replicationFactor?: number;
}
