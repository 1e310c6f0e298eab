export * from './check-solution';
export * from './unserved-reason';
export * from './violation';
