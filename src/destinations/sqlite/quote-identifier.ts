import { DestinationError } from '../../errors/errors.js';

/**
 * A table or column name as a quoted SQLite identifier: any text works (quotes, spaces, unicode)
 * because inner double quotes are doubled. A NUL character cannot travel inside SQL text at all.
 */
export function quoteIdentifier(name: string): string {
  if (name.includes('\0')) {
    throw new DestinationError('a table or column name contains a NUL character', {
      details: { name: name.replaceAll('\0', '\\0') },
    });
  }

  return `"${name.replaceAll('"', '""')}"`;
}
