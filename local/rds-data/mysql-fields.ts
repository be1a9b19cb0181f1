import type { FieldPacket } from 'mysql2';
import type { ColumnMetadata, Field, ResultSetOptions } from './wire-types';

type Kind = 'long' | 'double' | 'decimal' | 'string' | 'bit';

interface MySqlType {
  readonly name: string;
  readonly jdbc: number;
  readonly kind: Kind;
}

/** MySQL protocol column types (mysql2 `Types`) with the JDBC type and name the MariaDB connector reports. */
const TYPES: Readonly<Record<number, MySqlType>> = {
  0: { name: 'DECIMAL', jdbc: 3, kind: 'decimal' },
  1: { name: 'TINYINT', jdbc: -6, kind: 'long' },
  2: { name: 'SMALLINT', jdbc: 5, kind: 'long' },
  3: { name: 'INT', jdbc: 4, kind: 'long' },
  4: { name: 'FLOAT', jdbc: 7, kind: 'double' },
  5: { name: 'DOUBLE', jdbc: 8, kind: 'double' },
  6: { name: 'NULL', jdbc: 0, kind: 'string' },
  7: { name: 'TIMESTAMP', jdbc: 93, kind: 'string' },
  8: { name: 'BIGINT', jdbc: -5, kind: 'long' },
  9: { name: 'MEDIUMINT', jdbc: 4, kind: 'long' },
  10: { name: 'DATE', jdbc: 91, kind: 'string' },
  11: { name: 'TIME', jdbc: 92, kind: 'string' },
  12: { name: 'DATETIME', jdbc: 93, kind: 'string' },
  13: { name: 'YEAR', jdbc: 91, kind: 'long' },
  15: { name: 'VARCHAR', jdbc: 12, kind: 'string' },
  16: { name: 'BIT', jdbc: -7, kind: 'bit' },
  245: { name: 'JSON', jdbc: -1, kind: 'string' },
  246: { name: 'DECIMAL', jdbc: 3, kind: 'decimal' },
  247: { name: 'ENUM', jdbc: 1, kind: 'string' },
  248: { name: 'SET', jdbc: 1, kind: 'string' },
  249: { name: 'TINYBLOB', jdbc: -3, kind: 'string' },
  250: { name: 'MEDIUMBLOB', jdbc: -4, kind: 'string' },
  251: { name: 'LONGBLOB', jdbc: -4, kind: 'string' },
  252: { name: 'BLOB', jdbc: -4, kind: 'string' },
  253: { name: 'VARCHAR', jdbc: 12, kind: 'string' },
  254: { name: 'CHAR', jdbc: 1, kind: 'string' },
};

const FLAG_NOT_NULL = 1;
const FLAG_UNSIGNED = 32;
const FLAG_AUTO_INCREMENT = 512;
const BINARY_CHARSET = 63;
const STRING_TYPES = new Set([15, 249, 250, 251, 252, 253, 254]);

function typeOf(field: FieldPacket): MySqlType {
  return TYPES[field.columnType ?? field.type ?? 253] ?? { name: 'VARCHAR', jdbc: 12, kind: 'string' };
}

function hasFlag(field: FieldPacket, flag: number, name: string): boolean {
  return Array.isArray(field.flags) ? field.flags.includes(name) : (field.flags & flag) !== 0;
}

/** Binary strings and blobs (binary character set) come back as `blobValue`, text as `stringValue`. */
function isBinary(field: FieldPacket): boolean {
  return STRING_TYPES.has(field.columnType ?? field.type ?? 253) && field.characterSet === BINARY_CHARSET;
}

/** TINYINT(1) and BIT(1) are booleans to the JDBC driver behind the Data API (tinyInt1isBit). */
function isBoolean(field: FieldPacket): boolean {
  const type = field.columnType ?? field.type;
  return (type === 1 || type === 16) && field.columnLength === 1;
}

/** One value of a row (raw bytes from the text protocol) as a Data API `Field`. */
export function mysqlField(field: FieldPacket, raw: Buffer | null, options: ResultSetOptions): Field {
  if (raw === null) return { isNull: true };
  const type = typeOf(field);
  if (isBoolean(field))
    return { booleanValue: type.kind === 'bit' ? raw.some((b) => b !== 0) : raw.toString() !== '0' };
  if (type.kind === 'bit') return { longValue: Number(raw.reduce((n, b) => n * 256n + BigInt(b), 0n)) };
  if (isBinary(field)) return { blobValue: raw.toString('base64') };
  const text = raw.toString('utf8');
  switch (type.kind) {
    case 'long':
      return options.longReturnType === 'STRING' ? { stringValue: text } : { longValue: Number(text) };
    case 'double':
      return { doubleValue: Number(text) };
    case 'decimal':
      if (options.decimalReturnType === 'STRING') return { stringValue: text };
      return /^-?\d+$/.test(text) ? { longValue: Number(text) } : { doubleValue: Number(text) };
    default:
      return { stringValue: text };
  }
}

/** `ColumnMetadata` for one result column, as the MariaDB JDBC connector describes it. */
export function mysqlColumn(field: FieldPacket): ColumnMetadata {
  const type = typeOf(field);
  const unsigned = hasFlag(field, FLAG_UNSIGNED, 'UNSIGNED');
  const numeric = type.kind === 'long' || type.kind === 'double' || type.kind === 'decimal';
  const binary = isBinary(field);
  let typeName = type.name;
  if (binary && (type.name === 'VARCHAR' || type.name === 'CHAR'))
    typeName = type.name === 'CHAR' ? 'BINARY' : 'VARBINARY';
  if (!binary && type.name.endsWith('BLOB')) typeName = type.name.replace('BLOB', 'TEXT');
  if (isBoolean(field)) typeName = 'BOOLEAN';
  return {
    name: field.name,
    label: field.name,
    type: isBoolean(field) ? -7 : type.jdbc,
    typeName: numeric && unsigned ? `${typeName} UNSIGNED` : typeName,
    schemaName: '',
    tableName: field.orgTable ?? '',
    isAutoIncrement: hasFlag(field, FLAG_AUTO_INCREMENT, 'AUTO_INCREMENT'),
    isSigned: numeric && !unsigned,
    isCurrency: false,
    isCaseSensitive: binary,
    nullable: hasFlag(field, FLAG_NOT_NULL, 'NOT_NULL') ? 0 : 1,
    precision: field.columnLength ?? 0,
    scale: field.decimals,
    arrayBaseColumnType: 0,
  };
}
