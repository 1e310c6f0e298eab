/** Injection token of the AuthSettings the guard uses. */
export const AUTH_SETTINGS = Symbol('AUTH_SETTINGS');
