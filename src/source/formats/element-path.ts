/**
 * Splits an XML element path into element names from the root: `feed.entry` and
 * `/rss/channel/item` both work; a path with a `/` is split on `/` only, since `.` may appear in
 * element names. `*` matches any element. An absent path means every child of the root element.
 */
export function parseElementPath(path: string | undefined): string[] {
  const text = path?.trim() ?? '';
  if (text === '') return ['*', '*'];

  const separator = text.includes('/') ? '/' : '.';
  return text.split(separator).filter((name) => name !== '');
}
