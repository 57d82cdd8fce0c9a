/** Five records with accents, CJK, emoji (surrogate pairs), quotes, commas and an empty value. */
export const PEOPLE = [
  { id: 1, name: 'Анна', city: 'Zürich', comment: 'très bien 😀' },
  { id: 2, name: '李雷', city: 'Beijing', comment: 'a "quoted", comma' },
  { id: 3, name: 'Zoë', city: 'Paris', comment: 'emoji 👍🏽 & <tags>' },
  { id: 4, name: 'Ola', city: 'Oslo', comment: '' },
  { id: 5, name: 'Mia', city: 'São Paulo', comment: 'fin' },
] as const;

const FIELDS = ['id', 'name', 'city', 'comment'] as const;

/** Every value as a string: what CSV, TSV and XML can say. */
export function asStrings(record: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, String(value)]));
}

export function peopleJson(): string {
  return JSON.stringify({ data: PEOPLE, next_cursor: 'c-2', total: 5 });
}

export function peopleNdjson(): string {
  return PEOPLE.map((person) => JSON.stringify(person)).join('\r\n') + '\n\n';
}

export function peopleCsv(): string {
  const quote = (value: unknown): string => {
    const text = String(value);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const rows = PEOPLE.map((person) => FIELDS.map((field) => quote(person[field])).join(','));
  return [FIELDS.join(','), ...rows].join('\r\n') + '\r\n';
}

export function peopleTsv(): string {
  const rows = PEOPLE.map((person) => FIELDS.map((field) => String(person[field])).join('\t'));
  return [FIELDS.join('\t'), ...rows].join('\n');
}

export function peopleXml(): string {
  const escape = (value: unknown): string =>
    String(value).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const people = PEOPLE.map(
    (person) =>
      `  <person id="${person.id}">\n    <name>${escape(person.name)}</name>\n` +
      `    <city>${escape(person.city)}</city>\n    <comment>${escape(person.comment)}</comment>\n  </person>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<people count="5">\n${people.join('\n')}\n</people>\n`;
}
