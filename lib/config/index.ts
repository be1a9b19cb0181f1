export * from './config-validation-error';
export * from './load-config';
export * from './risk-tiers';
export * from './schema';
export * from './type-profiles';
export * from './validate-config';
export { deriveSecretId } from './validate-secret';
