export * from './slack-stand-in';
