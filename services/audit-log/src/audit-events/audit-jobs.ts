/**
 * audit-log's cross-tenant job (`app.job`; see @caredispatch/kafka's transaction scope): the
 * tree-head scheduler finds the tenants whose log grew since their last signed head. It only
 * reads; each head is then signed, stored and anchored in a transaction of its own tenant.
 */
export const AuditJobs = {
  TreeHeadSigner: 'audit-tree-head',
  /** The archiver, run as the owner role only (its policies are TO the owner): reads leaves and heads. */
  Archiver: 'audit-archiver',
} as const;
