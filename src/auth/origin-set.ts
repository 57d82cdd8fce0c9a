/**
 * The origins (scheme + host + port) a credential belongs to. A credential is sent to these and
 * nowhere else — not to a pagination link or a redirect that points elsewhere.
 */
export class OriginSet {
  private readonly origins: ReadonlySet<string>;

  /** Each entry is a URL (or an origin); unparseable entries are an error. */
  constructor(urls: Iterable<string | URL>) {
    this.origins = new Set([...urls].map((url) => new URL(url).origin));
  }

  /** Whether `url` has one of the origins. */
  has(url: string | URL): boolean {
    return this.origins.has(new URL(url).origin);
  }

  /** The origins, for messages and tests. */
  list(): string[] {
    return [...this.origins];
  }
}
