// Moved to local/databases/free-port.ts (the demo and the benchmarks start database servers too); re-exported for tests.
export * from '../../local/databases/free-port';
