/**
 * The roles a token may carry (issue 8). Values are what the IdP puts in the roles claim;
 * unknown values are ignored, so an IdP's own roles (offline_access, …) never grant anything.
 */
export const Role = {
  PlatformAdmin: 'platform-admin',
  PracticeAdmin: 'practice-admin',
  Coordinator: 'coordinator',
  FrontDesk: 'front-desk',
  /** A clinician: sees only their own itinerary (the token's provider id). */
  Provider: 'provider',
  /** Reads and exports the audit trail of their own tenant; nothing else. */
  ComplianceOfficer: 'compliance-officer',
  /** A machine client (API gateway, integration) using the client-credentials grant. */
  Integration: 'integration',
} as const;

export type Role = (typeof Role)[keyof typeof Role];

export const ALL_ROLES: readonly Role[] = Object.values(Role);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ALL_ROLES as readonly string[]).includes(value);
}

/**
 * Role groups routes reuse, so "who may read appointments" is decided in one place.
 * The capability table in libs/auth/README.md is the prose form of these lists.
 */
export const RoleGroups = {
  /** Read a tenant's appointments and patients' scheduling data. */
  appointmentReaders: [
    Role.PracticeAdmin,
    Role.Coordinator,
    Role.FrontDesk,
    Role.Provider,
    Role.Integration,
  ],
  /** Change schedules and itineraries, trigger dispatch. */
  schedulers: [Role.PracticeAdmin, Role.Coordinator],
  /** Read and export the audit trail. */
  auditReaders: [Role.ComplianceOfficer],
  /** Operate the platform (DLQ, tenants); never patient data. */
  operators: [Role.PlatformAdmin],
} as const satisfies Record<string, readonly Role[]>;
