// Moved to local/databases/os-user.ts (the demo and the benchmarks start database servers too); re-exported for tests.
export * from '../../local/databases/os-user';
