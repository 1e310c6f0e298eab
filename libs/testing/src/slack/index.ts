export * from './slack-stand-in';
export * from './slack-request-signing';
