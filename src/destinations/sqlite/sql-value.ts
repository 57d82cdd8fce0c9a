import { DestinationError } from '../../errors/errors.js';
import { stringifyExact } from '../../json/exact-json.js';

/** What better-sqlite3 binds: each maps to one SQLite storage class. */
export type SqlValue = string | number | bigint | null;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The value bound for one field. Columns carry no declared type, so SQLite keeps exactly the
 * storage class bound here: better-sqlite3 binds every JS number as REAL, hence integers travel
 * as bigint to be stored as INTEGER. A bigint outside int64 becomes the TEXT of its digits (a
 * REAL would round it); objects and arrays become exact JSON text.
 */
export function toSqlValue(value: unknown, field: string): SqlValue {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isSafeInteger(value) ? BigInt(value) : value;
    case 'bigint':
      return value >= INT64_MIN && value <= INT64_MAX ? value : value.toString();
    case 'boolean':
      return value ? 1n : 0n;
    case 'undefined':
      return null;
    case 'object':
      return value === null ? null : toJsonText(value, field);
    default:
      throw new DestinationError(
        `field "${field}" holds a ${typeof value}, which has no SQL form`,
        {
          details: { field },
        },
      );
  }
}

function toJsonText(value: object, field: string): string {
  const text = stringifyExact(value);
  if (text === undefined) {
    throw new DestinationError(`field "${field}" could not be written as JSON text`, {
      details: { field },
    });
  }

  return text;
}

/** A key column's value: IDs compare as text, whatever JSON type the API used this time. */
export function toKeyValue(value: unknown, field: string): SqlValue {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      return toSqlValue(value, field);
  }
}
