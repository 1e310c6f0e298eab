import { Controller, Get, Header } from '@nestjs/common';

import { PublicRoute } from '@caredispatch/auth';

import { PROMETHEUS_CONTENT_TYPE, renderPrometheusText } from '../metrics/prometheus-text';

import { KafkaRuntime } from './kafka-runtime';

/** `GET /metrics` in Prometheus text format; counters are per process (Prometheus sums replicas). */
@Controller('metrics')
@PublicRoute('Prometheus scrape: process counters, no PHI; the NetworkPolicy limits who reaches it')
export class KafkaMetricsController {
  constructor(private readonly runtime: KafkaRuntime) {}

  @Get()
  @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
  metrics(): string {
    return renderPrometheusText(this.runtime.metricFamilies());
  }
}
