export * from './fault-injector';
export * from './fault-spec';
export * from './quotas';
export * from './seeded-random';
