import { ApiProperty } from '@nestjs/swagger';

import { type AuditLeaf } from '../../audit-chain/audit-leaf';
import { ChainBreak, type BrokenLink } from '../../audit-chain/hash-chain';
import {
  type PublicKeyJson,
  TREE_HEAD_FORMAT,
  type SignedTreeHeadJson,
} from '../../audit-chain/tree-head';

import { type AuditTrailEntry, type ChainVerificationResponse } from './audit-trail.response';

/*
 * The OpenAPI shapes of audit-log's JSON answers. Each class `implements` the type the route
 * returns, so a field added to the answer without its documentation fails to compile.
 */

export class AuditTrailEntryDto implements AuditTrailEntry {
  @ApiProperty({ description: 'Position in the tenant log (bigint as a decimal string)' })
  sequence!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty() topic!: string;
  @ApiProperty() producer!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty() correlationId!: string;
  @ApiProperty({ type: String, nullable: true }) causationId!: string | null;
  @ApiProperty() aggregateId!: string;
  @ApiProperty({ type: String, nullable: true }) traceId!: string | null;
}

export class AuditTrailResponseDto {
  @ApiProperty() tenantId!: string;
  @ApiProperty() appointmentId!: string;
  @ApiProperty({ type: [AuditTrailEntryDto], description: 'Causal order' })
  events!: AuditTrailEntryDto[];
}

export class BrokenLinkDto implements BrokenLink {
  @ApiProperty({ enum: ChainBreak, enumName: 'ChainBreak' }) reason!: ChainBreak;
  @ApiProperty() sequence!: string;
  @ApiProperty({ type: String, nullable: true }) eventId!: string | null;
}

export class ChainVerificationResponseDto implements ChainVerificationResponse {
  @ApiProperty() tenantId!: string;
  @ApiProperty() valid!: boolean;
  @ApiProperty({ description: 'Links verified (after any archived prefix)' })
  verifiedEvents!: number;
  @ApiProperty({ type: BrokenLinkDto, nullable: true }) firstBrokenLink!: BrokenLinkDto | null;
}

export class AuditLeafDto implements AuditLeaf {
  @ApiProperty() tenantId!: string;
  @ApiProperty() sequence!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty() eventVersion!: number;
  @ApiProperty() producer!: string;
  @ApiProperty() actor!: string;
  @ApiProperty({ type: [String] }) patientIds!: string[];
  @ApiProperty({ type: String, nullable: true }) appointmentId!: string | null;
  @ApiProperty({ type: String, nullable: true }) ehrAppointmentId!: string | null;
  @ApiProperty() correlationId!: string;
  @ApiProperty({ type: String, nullable: true }) causationId!: string | null;
  @ApiProperty() aggregateId!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ description: 'SHA-256 of the stored payload (hex); the payload is never served' })
  payloadSha256!: string;
  @ApiProperty() chainHash!: string;
}

export class AuditSearchPageDto {
  @ApiProperty({ type: [AuditLeafDto] }) events!: AuditLeafDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  nextCursor!: string | null;
}

export class SignedTreeHeadDto implements SignedTreeHeadJson {
  @ApiProperty({ enum: [TREE_HEAD_FORMAT] }) format!: typeof TREE_HEAD_FORMAT;
  @ApiProperty() tenantId!: string;
  @ApiProperty() treeSize!: number;
  @ApiProperty({ description: 'RFC 9162 root, hex' }) rootHash!: string;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiProperty() keyId!: string;
  @ApiProperty({ description: 'Ed25519 signature, base64' }) signature!: string;
}

export class ConsistencyProofDto {
  @ApiProperty() first!: number;
  @ApiProperty() second!: number;
  @ApiProperty({ type: [String], description: 'Hex SHA-256 hashes, RFC 9162 §2.1.4 order' })
  proof!: string[];
}

export class InclusionProofDto {
  @ApiProperty() eventId!: string;
  @ApiProperty() leafIndex!: number;
  @ApiProperty() treeSize!: number;
  @ApiProperty() leafHash!: string;
  @ApiProperty({ type: [String] }) proof!: string[];
}

export class PublicKeyDto implements PublicKeyJson {
  @ApiProperty() keyId!: string;
  @ApiProperty({ enum: ['Ed25519'] }) algorithm!: 'Ed25519';
  @ApiProperty({ description: 'SubjectPublicKeyInfo, DER, base64' }) publicKey!: string;
}
