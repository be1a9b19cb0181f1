// Moved to local/databases/tls-files.ts (the demo and the benchmarks start database servers too); re-exported for tests.
export * from '../../local/databases/tls-files';
