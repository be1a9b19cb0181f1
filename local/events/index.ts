export * from './event-log';
export * from './event-shapes';
