/**
 * ehr-gateway's cross-tenant roster job (`app.job`, see docs/database-isolation.md): the
 * roster relay claims due imports of every tenant in one statement (SELECT and UPDATE on
 * `ehr_roster_import_job`, nothing else), then finishes each in a transaction scoped to the
 * import's tenant.
 */
export const RosterImportJobs = {
  Relay: 'ehr-roster-import-relay',
} as const;
