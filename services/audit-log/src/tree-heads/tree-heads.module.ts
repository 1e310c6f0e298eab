import { Module } from '@nestjs/common';

import { OutboxWriter } from '@caredispatch/kafka';
import { SERVICE_CONFIG, systemClockProvider } from '@caredispatch/platform';

import { parseSigningKey, TreeHeadKeyRing } from '../audit-chain/tree-head';
import { type AuditLogConfig } from '../config';

import { FileTreeHeadAnchor } from './anchors/file-tree-head.anchor';
import { KafkaTreeHeadAnchor } from './anchors/kafka-tree-head.anchor';
import { TREE_HEAD_ANCHORS, type TreeHeadAnchor } from './anchors/tree-head-anchor.port';
import { AuditLeafRepository } from './audit-leaf.repository';
import { AuditTreeHeadRepository } from './audit-tree-head.repository';
import { TreeHeadScheduler } from './tree-head.scheduler';
import { TREE_HEAD_KEY_RING, TreeHeadService } from './tree-head.service';
import { TreeHeadsController } from './tree-heads.controller';

function anchorsFrom(config: AuditLogConfig, outbox: OutboxWriter): TreeHeadAnchor[] {
  return config.AUDIT_TREE_HEAD_ANCHORS.map((kind) => {
    switch (kind) {
      case 'kafka':
        return new KafkaTreeHeadAnchor(outbox);
      case 'file':
        // The config schema requires the directory with this anchor.
        return new FileTreeHeadAnchor(config.AUDIT_TREE_HEAD_ANCHOR_DIRECTORY ?? '');
    }
  });
}

@Module({
  controllers: [TreeHeadsController],
  providers: [
    systemClockProvider,
    AuditLeafRepository,
    AuditTreeHeadRepository,
    TreeHeadService,
    TreeHeadScheduler,
    {
      provide: TREE_HEAD_KEY_RING,
      inject: [SERVICE_CONFIG],
      useFactory: (config: AuditLogConfig) =>
        new TreeHeadKeyRing(
          parseSigningKey(config.AUDIT_TREE_HEAD_SIGNING_KEY.reveal()),
          config.AUDIT_TREE_HEAD_RETIRED_KEYS,
        ),
    },
    { provide: TREE_HEAD_ANCHORS, inject: [SERVICE_CONFIG, OutboxWriter], useFactory: anchorsFrom },
  ],
  exports: [TreeHeadService],
})
export class TreeHeadsModule {}
