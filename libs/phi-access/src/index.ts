export * from './phi-access';
export * from './phi-access.recorder';
export * from './record-phi-access.decorator';
export * from './phi-access.interceptor';
export * from './phi-access.module';
