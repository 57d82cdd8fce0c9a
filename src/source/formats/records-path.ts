/**
 * A records path simple enough to follow while streaming: member names from the root, then
 * optionally "every element" (`[*]` or `.*`).
 */
export interface RecordsPath {
  /** Member names from the root to the records container (empty: the root itself). */
  members: string[];
  /**
   * Whether the path ends in a wildcard. It matters only when the value found is an object: with
   * the wildcard its member values are the records, without it the object is one record. An
   * array found at the path always holds the records.
   */
  each: boolean;
}

const SEGMENT = /^(?:\.([A-Za-z_$][\w$-]*)|\[(?:'([^'\\]*)'|"([^"\\]*)")\]|(\[\*\]|\.\*))/;

/**
 * Reads `$`, `$.data[*]`, `$.result.items`, `$['odd key'][*]`, `$.*` into a RecordsPath; an
 * absent path means `$`. Anything else (filters, indexes, recursive descent, a wildcard that is
 * not last) gives undefined: such bodies are read whole and searched with jsonpath-plus.
 */
export function parseRecordsPath(path: string | undefined): RecordsPath | undefined {
  const text = (path ?? '$').trim();
  if (!text.startsWith('$')) return undefined;

  const result: RecordsPath = { members: [], each: false };
  let rest = text.slice(1);
  while (rest !== '') {
    const match = SEGMENT.exec(rest);
    if (match === null || result.each) return undefined;

    const name = match[1] ?? match[2] ?? match[3];
    if (name === undefined) result.each = true;
    else result.members.push(name);
    rest = rest.slice(match[0].length);
  }
  return result;
}
