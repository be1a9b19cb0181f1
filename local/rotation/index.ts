export * from './orchestrator';
export * from './ports';
export * from './resume';
export * from './rotation-run';
export * from './scheduler';
