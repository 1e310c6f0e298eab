/**
 * ehr-gateway's cross-tenant job (`app.job`, see docs/database-isolation.md). The write-back
 * relay claims due jobs of every tenant in one statement (leasing them: SELECT and UPDATE on
 * `ehr_write_back_job`, nothing else); it then works each job in a transaction scoped to the
 * job's tenant, so finishing a job, recording the versions it wrote and appending its outbox
 * event never rely on the job policy.
 */
export const WriteBackJobs = {
  Relay: 'ehr-write-back-relay',
} as const;
