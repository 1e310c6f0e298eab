/** Injection token for the Clock (from @caredispatch/contracts), so tests control "now". */
export const CLOCK = Symbol('CLOCK');
