export * from './call-counter';
export * from './control-routes';
export * from './protocol';
