export * from './orchestrator';
export * from './ports';
export * from './rotation-run';
export * from './scheduler';
