export { type ClusterTarget, type Engine, parseClusterUrl, parseDataApiSpec } from './cluster-spec';
export { createRdsData, type RdsDataOptions } from './rds-data-service';
export type { ColumnMetadata, Field } from './wire-types';
