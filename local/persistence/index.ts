export * from './atomic-write';
export * from './state-file';
