// Public API of @caredispatch/phi-crypto: field encryption for PHI at rest. No NestJS and no
// dependency on another workspace lib, so libs/kafka and libs/platform can both build on it.
export * from './cipher/aes-gcm';
export * from './cipher/phi-field';
export * from './cipher/phi-cipher';
export * from './keys/key-encryption.port';
export * from './keys/env-key-encryption';
export * from './keys/data-key-store';
export * from './keys/postgres-data-key-store';
export * from './keys/phi-data-key.entity';
export * from './blind-index/blind-index';
export * from './rotation/data-key-rotation';
export * from './rotation/column-reencryption';
export * from './migrations';
