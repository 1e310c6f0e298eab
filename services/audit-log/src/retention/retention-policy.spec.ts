import { generateKeyPairSync } from 'node:crypto';

import { archiveConfigSchema } from './retention-config';
import {
  auditPartitionName,
  isOlderThanRetention,
  monthOfPartition,
  retentionCutoff,
} from './retention-policy';

describe('retention policy', () => {
  it('should name a partition after its UTC month and read the month back', () => {
    const sut = auditPartitionName(new Date('2026-01-31T23:30:00-05:00'));

    expect(sut).toBe('audit_event_p202602');
    expect(monthOfPartition(sut)).toEqual(new Date('2026-02-01T00:00:00Z'));
    expect(monthOfPartition('audit_event_default')).toBeNull();
    expect(monthOfPartition('audit_event_p202613')).toBeNull();
  });

  it('should let a month go only when all of it is older than six years', () => {
    const cutoff = retentionCutoff(new Date('2026-11-30T12:00:00Z'), 72);

    expect(cutoff).toEqual(new Date('2020-11-01T00:00:00Z'));
    expect(isOlderThanRetention(new Date('2020-10-01T00:00:00Z'), cutoff)).toBe(true);
    expect(isOlderThanRetention(new Date('2020-11-01T00:00:00Z'), cutoff)).toBe(false);
  });

  it('should never use less than six years, whatever it is given', () => {
    expect(retentionCutoff(new Date('2026-11-30T12:00:00Z'), 12)).toEqual(
      new Date('2020-11-01T00:00:00Z'),
    );
    expect(retentionCutoff(new Date('2026-11-30T12:00:00Z'), 96)).toEqual(
      new Date('2018-11-01T00:00:00Z'),
    );
  });

  it('should refuse an archiver configured with less than six years', () => {
    const publicKey = generateKeyPairSync('ed25519')
      .publicKey.export({ format: 'der', type: 'spki' })
      .toString('base64');
    const env = {
      DATABASE_MIGRATION_URL: 'postgres://owner:owner@127.0.0.1:5432/audit',
      AUDIT_ARCHIVE_DIRECTORY: '/archive',
      AUDIT_TREE_HEAD_PUBLIC_KEYS: `key-1:${publicKey}`,
    };

    const sut = archiveConfigSchema.safeParse({ ...env, AUDIT_RETENTION_MONTHS: '71' });

    expect(sut.success).toBe(false);
    expect(sut.error?.issues.map((issue) => issue.path.join('.'))).toEqual([
      'AUDIT_RETENTION_MONTHS',
    ]);
    expect(archiveConfigSchema.parse(env).AUDIT_RETENTION_MONTHS).toBe(72);
  });
});
