import type { FieldDef } from 'pg';
import type { ArrayValue, ColumnMetadata, Field, ResultSetOptions } from './wire-types';

/** java.sql.Types codes the Data API reports in `columnMetadata.type` (it runs on a JDBC driver). */
const JDBC = {
  BIT: -7,
  BIGINT: -5,
  BINARY: -2,
  CHAR: 1,
  NUMERIC: 2,
  INTEGER: 4,
  SMALLINT: 5,
  REAL: 7,
  DOUBLE: 8,
  VARCHAR: 12,
  DATE: 91,
  TIME: 92,
  TIMESTAMP: 93,
  OTHER: 1111,
  ARRAY: 2003,
} as const;

type Kind = 'boolean' | 'long' | 'double' | 'decimal' | 'blob' | 'string';

interface PgType {
  readonly name: string;
  readonly jdbc: number;
  readonly kind: Kind;
  /** Precision pgjdbc reports for fixed-size types. */
  readonly precision?: number;
}

/** Built-in type OIDs (pg_type.oid) the emulator knows; anything else is reported as text. */
const TYPES: Readonly<Record<number, PgType>> = {
  16: { name: 'bool', jdbc: JDBC.BIT, kind: 'boolean', precision: 1 },
  17: { name: 'bytea', jdbc: JDBC.BINARY, kind: 'blob', precision: 2147483647 },
  18: { name: 'char', jdbc: JDBC.CHAR, kind: 'string', precision: 1 },
  19: { name: 'name', jdbc: JDBC.VARCHAR, kind: 'string', precision: 63 },
  20: { name: 'int8', jdbc: JDBC.BIGINT, kind: 'long', precision: 19 },
  21: { name: 'int2', jdbc: JDBC.SMALLINT, kind: 'long', precision: 5 },
  23: { name: 'int4', jdbc: JDBC.INTEGER, kind: 'long', precision: 10 },
  25: { name: 'text', jdbc: JDBC.VARCHAR, kind: 'string', precision: 2147483647 },
  26: { name: 'oid', jdbc: JDBC.BIGINT, kind: 'long', precision: 10 },
  114: { name: 'json', jdbc: JDBC.OTHER, kind: 'string', precision: 2147483647 },
  700: { name: 'float4', jdbc: JDBC.REAL, kind: 'double', precision: 8 },
  701: { name: 'float8', jdbc: JDBC.DOUBLE, kind: 'double', precision: 17 },
  1042: { name: 'bpchar', jdbc: JDBC.CHAR, kind: 'string' },
  1043: { name: 'varchar', jdbc: JDBC.VARCHAR, kind: 'string' },
  1082: { name: 'date', jdbc: JDBC.DATE, kind: 'string', precision: 13 },
  1083: { name: 'time', jdbc: JDBC.TIME, kind: 'string', precision: 15 },
  1114: { name: 'timestamp', jdbc: JDBC.TIMESTAMP, kind: 'string', precision: 29 },
  1184: { name: 'timestamptz', jdbc: JDBC.TIMESTAMP, kind: 'string', precision: 35 },
  1700: { name: 'numeric', jdbc: JDBC.NUMERIC, kind: 'decimal' },
  2950: { name: 'uuid', jdbc: JDBC.OTHER, kind: 'string', precision: 2147483647 },
  3802: { name: 'jsonb', jdbc: JDBC.OTHER, kind: 'string', precision: 2147483647 },
};

/** Array type OID -> element type OID, for the arrays returned as `arrayValue`. */
const ARRAYS: Readonly<Record<number, number>> = {
  1000: 16,
  1005: 21,
  1007: 23,
  1009: 25,
  1015: 1043,
  1016: 20,
  1021: 700,
  1022: 701,
  1231: 1700,
};

const UNKNOWN: PgType = { name: 'unknown', jdbc: JDBC.OTHER, kind: 'string' };

function typeOf(oid: number): PgType {
  return TYPES[oid] ?? UNKNOWN;
}

/** True for array types the emulator returns as `arrayValue` (pg parses those for us). */
export function isKnownArray(oid: number): boolean {
  return ARRAYS[oid] !== undefined;
}

function scalar(kind: Kind, raw: string, options: ResultSetOptions): Field {
  switch (kind) {
    case 'boolean':
      return { booleanValue: raw === 't' || raw === 'true' };
    case 'long':
      return options.longReturnType === 'STRING' ? { stringValue: raw } : { longValue: Number(raw) };
    case 'double':
      return { doubleValue: Number(raw) };
    case 'decimal':
      if (options.decimalReturnType === 'STRING') return { stringValue: raw };
      return /^-?\d+$/.test(raw) ? { longValue: Number(raw) } : { doubleValue: Number(raw) };
    case 'blob':
      // bytea arrives in the text protocol's hex form: \x0a0b...
      return { blobValue: Buffer.from(raw.replace(/^\\x/, ''), 'hex').toString('base64') };
    default:
      return { stringValue: raw };
  }
}

function arrayValue(kind: Kind, items: readonly unknown[]): ArrayValue {
  if (items.some(Array.isArray)) {
    return { arrayValues: items.map((item) => arrayValue(kind, Array.isArray(item) ? item : [item])) };
  }
  const texts = items.map((item) => (item === null ? '' : String(item)));
  switch (kind) {
    case 'boolean':
      return { booleanValues: items.map((item) => item === true || item === 't') };
    case 'long':
      return { longValues: texts.map(Number) };
    case 'double':
      return { doubleValues: texts.map(Number) };
    default:
      return { stringValues: texts };
  }
}

/** One value of a row (raw text from the server, or a parsed array) as a Data API `Field`. */
export function postgresField(oid: number, raw: unknown, options: ResultSetOptions): Field {
  if (raw === null || raw === undefined) return { isNull: true };
  const element = ARRAYS[oid];
  if (element !== undefined && Array.isArray(raw)) return { arrayValue: arrayValue(typeOf(element).kind, raw) };
  return scalar(typeOf(oid).kind, String(raw), options);
}

/** `ColumnMetadata` for one result column, as pgjdbc's ResultSetMetaData describes it. */
export function postgresColumn(field: FieldDef): ColumnMetadata {
  const element = ARRAYS[field.dataTypeID];
  const type = element === undefined ? typeOf(field.dataTypeID) : typeOf(element);
  const modifier = field.dataTypeModifier;
  let precision = type.precision ?? 2147483647;
  let scale = 0;
  if (type.name === 'varchar' || type.name === 'bpchar') precision = modifier > 4 ? modifier - 4 : 2147483647;
  if (type.name === 'numeric') {
    precision = modifier > 4 ? ((modifier - 4) >> 16) & 0xffff : 0;
    scale = modifier > 4 ? (modifier - 4) & 0xffff : 0;
  }
  if (type.name === 'float4' || type.name === 'float8') scale = type.name === 'float4' ? 8 : 17;
  const numeric = type.kind === 'long' || type.kind === 'double' || type.kind === 'decimal';
  return {
    name: field.name,
    label: field.name,
    type: element === undefined ? type.jdbc : JDBC.ARRAY,
    typeName: element === undefined ? type.name : `_${type.name}`,
    schemaName: '',
    tableName: '',
    isAutoIncrement: false,
    isSigned: numeric,
    isCurrency: false,
    isCaseSensitive: type.kind === 'string',
    // Without a catalog lookup the nullability of a column is unknown (JDBC columnNullableUnknown = 2).
    nullable: field.tableID === 0 ? 2 : 1,
    precision,
    scale,
    arrayBaseColumnType: element === undefined ? 0 : type.jdbc,
  };
}
