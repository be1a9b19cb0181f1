// Moved to local/databases/server-process.ts (the demo and the benchmarks start database servers too); re-exported for tests.
export * from '../../local/databases/server-process';
