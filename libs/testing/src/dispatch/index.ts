export * from './seed-week';
