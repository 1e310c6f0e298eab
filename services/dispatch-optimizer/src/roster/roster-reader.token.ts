/**
 * Injection token for `RosterReader` (an interface in roster.model.ts): the roster module
 * provides `{ provide: ROSTER_READER, useExisting: <its implementation> }`.
 */
export const ROSTER_READER = Symbol('ROSTER_READER');
