export * from './twilio-stand-in';
export * from './twilio-failures';
export * from './twilio-signature';
