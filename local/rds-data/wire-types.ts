/**
 * RDS Data API wire shapes (botocore `rds-data/2018-08-01`, the same model @aws-sdk/client-rds-data is built
 * from). Union members are exactly one key per object; `blobValue` travels as base64 in rest-json.
 */

/** The `ArrayValue` union: one typed list. */
export type ArrayValue =
  | { readonly booleanValues: readonly boolean[] }
  | { readonly longValues: readonly number[] }
  | { readonly doubleValues: readonly number[] }
  | { readonly stringValues: readonly string[] }
  | { readonly arrayValues: readonly ArrayValue[] };

/** The `Field` union: one value of a record (and of a `SqlParameter`). */
export type Field =
  | { readonly isNull: true }
  | { readonly booleanValue: boolean }
  | { readonly longValue: number }
  | { readonly doubleValue: number }
  | { readonly stringValue: string }
  /** base64 */
  | { readonly blobValue: string }
  | { readonly arrayValue: ArrayValue };

/** `ColumnMetadata`; `type` is the JDBC type code (java.sql.Types) the service reports. */
export interface ColumnMetadata {
  readonly name: string;
  readonly type: number;
  readonly typeName: string;
  readonly label: string;
  readonly schemaName: string;
  readonly tableName: string;
  readonly isAutoIncrement: boolean;
  readonly isSigned: boolean;
  readonly isCurrency: boolean;
  readonly isCaseSensitive: boolean;
  /** 0 = not nullable, 1 = nullable, 2 = unknown (JDBC ResultSetMetaData). */
  readonly nullable: number;
  readonly precision: number;
  readonly scale: number;
  readonly arrayBaseColumnType: number;
}

/** `TypeHint` enum of `SqlParameter.typeHint`. */
export const TYPE_HINTS = ['JSON', 'UUID', 'TIMESTAMP', 'DATE', 'TIME', 'DECIMAL'] as const;
export type TypeHint = (typeof TYPE_HINTS)[number];

/** A parameter value after validation: exactly one scalar kind (the service rejects array parameters). */
export type ParameterValue =
  | { readonly kind: 'null' }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'long'; readonly value: number }
  | { readonly kind: 'double'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string; readonly typeHint?: TypeHint }
  | { readonly kind: 'blob'; readonly value: Buffer };

/** `ResultSetOptions`. */
export interface ResultSetOptions {
  readonly decimalReturnType: 'STRING' | 'DOUBLE_OR_LONG';
  readonly longReturnType: 'LONG' | 'STRING';
}
