import type { ArrayValue, ColumnMetadata, Field } from './wire-types';

function arrayJson(value: ArrayValue): unknown[] {
  if ('arrayValues' in value) return value.arrayValues.map(arrayJson);
  if ('booleanValues' in value) return [...value.booleanValues];
  if ('longValues' in value) return [...value.longValues];
  if ('doubleValues' in value) return [...value.doubleValues];
  return [...value.stringValues];
}

/** The JSON value of one Field: numbers and booleans stay typed, binary becomes base64 text. */
function fieldJson(field: Field): unknown {
  if ('isNull' in field) return null;
  if ('booleanValue' in field) return field.booleanValue;
  if ('longValue' in field) return field.longValue;
  if ('doubleValue' in field) return field.doubleValue;
  if ('stringValue' in field) return field.stringValue;
  if ('blobValue' in field) return field.blobValue;
  return arrayJson(field.arrayValue);
}

/**
 * `formattedRecords` for `formatRecordsAs: 'JSON'`: one JSON string holding an array with an object per row,
 * keyed by column label.
 */
export function formatRecordsAsJson(columns: readonly ColumnMetadata[], rows: readonly (readonly Field[])[]): string {
  const objects = rows.map((row) => {
    const record: Record<string, unknown> = {};
    row.forEach((field, i) => {
      record[columns[i]?.label ?? `column${i + 1}`] = fieldJson(field);
    });
    return record;
  });
  return JSON.stringify(objects);
}
