/**
 * Where a ciphertext belongs. All of it is authenticated (GCM associated data), so a
 * ciphertext copied to another tenant, table, column or row fails to decrypt.
 */
export interface PhiField {
  readonly tenantId: string;
  readonly table: string;
  readonly column: string;
  /** The row's stable identity (its id, or its natural key when the id is assigned later). */
  readonly rowKey: string;
}

export function fieldAad(field: PhiField): Buffer {
  // A JSON array, so no separator inside a value can make two fields look alike.
  return Buffer.from(
    JSON.stringify([
      'caredispatch.phi.v1',
      field.tenantId,
      field.table,
      field.column,
      field.rowKey,
    ]),
  );
}
