import { isDeepStrictEqual } from 'node:util';

import type { SchemaChanges } from './notification-messages.js';

/**
 * How a schema (field name → field description, as `inferSchema` gives) moved from `before` to
 * `after`; names sorted. A field whose description differs in any way counts as changed.
 */
export function diffSchemas(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): SchemaChanges {
  const was = Object.keys(before);
  const now = Object.keys(after);

  return {
    added: now.filter((name) => !(name in before)).sort(),
    removed: was.filter((name) => !(name in after)).sort(),
    changed: now
      .filter((name) => name in before && !isDeepStrictEqual(before[name], after[name]))
      .sort(),
  };
}

/** True when the diff holds no change at all. */
export function isUnchanged(changes: SchemaChanges): boolean {
  return changes.added.length + changes.removed.length + changes.changed.length === 0;
}
