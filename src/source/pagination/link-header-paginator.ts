import type { PageOutcome, PageRequest, PageView, Paginator } from './paginator.js';

/** RFC 8288 `Link` header pagination: follow the link with the wanted `rel`. */
export class LinkHeaderPaginator implements Paginator {
  constructor(private readonly rel: string) {}

  first(): PageRequest {
    return {};
  }

  next(page: PageView): PageOutcome {
    const header = page.headers['link'];
    if (header === undefined) return { kind: 'end' };

    const target = findLink(header, this.rel);
    if (target === undefined) return { kind: 'end' };
    return { kind: 'next', request: { url: new URL(target, page.url).toString() } };
  }
}

/** The URL of the first link whose `rel` list holds `rel`. */
export function findLink(header: string, rel: string): string | undefined {
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (match === null) continue;

    const relMatch = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2] ?? '');
    const rels = (relMatch?.[1] ?? '').trim().toLowerCase().split(/\s+/);
    if (rels.includes(rel.toLowerCase())) return match[1];
  }
  return undefined;
}
