import type { Authenticator } from '../http/http-types.js';
import type { OriginSet } from './origin-set.js';

type Applied = Awaited<ReturnType<Authenticator['authorize']>>;

const NOTHING: Applied = { headers: {}, query: {} };

/**
 * No credential. Applies everywhere (there is nothing to leak), so no "credential not sent"
 * warnings are logged for it.
 */
export class NoneAuthenticator implements Authenticator {
  authorize(): Promise<Applied> {
    return Promise.resolve({ headers: {}, query: {} });
  }

  appliesTo(): boolean {
    return true;
  }

  refresh(): Promise<boolean> {
    return Promise.resolve(false);
  }

  secrets(): string[] {
    return [];
  }
}

/** A fixed set of headers or query parameters, sent to its origins only; a 401 is final. */
class FixedAuthenticator implements Authenticator {
  constructor(
    private readonly origins: OriginSet,
    private readonly applied: Applied,
    private readonly secretValues: string[],
  ) {}

  authorize(url: URL): Promise<Applied> {
    if (!this.appliesTo(url)) return Promise.resolve(NOTHING);
    return Promise.resolve({
      headers: { ...this.applied.headers },
      query: { ...this.applied.query },
    });
  }

  appliesTo(url: URL): boolean {
    return this.origins.has(url);
  }

  /** A static credential cannot be renewed: refreshing does not help. */
  refresh(): Promise<boolean> {
    return Promise.resolve(false);
  }

  secrets(): string[] {
    return [...this.secretValues];
  }
}

/** `Authorization: Bearer <token>`. */
export class BearerAuthenticator extends FixedAuthenticator {
  constructor(origins: OriginSet, token: string) {
    super(origins, { headers: { authorization: `Bearer ${token}` }, query: {} }, [token]);
  }
}

/** `Authorization: Basic base64(username:password)`. */
export class BasicAuthenticator extends FixedAuthenticator {
  constructor(origins: OriginSet, username: string, password: string) {
    const encoded = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
    super(origins, { headers: { authorization: `Basic ${encoded}` }, query: {} }, [
      password,
      encoded,
    ]);
  }
}

/** An API key in a named header or query parameter. */
export class ApiKeyAuthenticator extends FixedAuthenticator {
  constructor(origins: OriginSet, where: { in: 'header' | 'query'; name: string; value: string }) {
    const pair = { [where.in === 'header' ? where.name.toLowerCase() : where.name]: where.value };
    const applied =
      where.in === 'header' ? { headers: pair, query: {} } : { headers: {}, query: pair };
    super(origins, applied, [where.value]);
  }
}
