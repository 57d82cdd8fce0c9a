/** What the engine asks of the HTTP layer: one logical request, retried and budgeted inside. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Already encoded (JSON text, form text or bytes). */
  body?: string | Uint8Array;
}

/** A fully read answer. Header names are lower-case. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The URL that answered (after redirects, if any were followed). */
  url: string;
  /** The method of the request that got this answer (after redirects). */
  method?: HttpRequest['method'];
}

/** Counters a run reads for its summary; the HTTP layer increments them. */
export interface HttpCounters {
  requests: number;
  retries: number;
  bytes: number;
}

/** Adds a credential to requests bound for the origins it belongs to. */
export interface Authenticator {
  /**
   * Headers (and query parameters) to add for this URL; empty when the URL's origin is not one the
   * credential belongs to (the caller then logs a warning once per origin).
   */
  authorize(url: URL): Promise<{ headers: Record<string, string>; query: Record<string, string> }>;
  /** Whether this credential is sent to the URL's origin. */
  appliesTo(url: URL): boolean;
  /**
   * Called after a 401 from an origin the credential applies to: drop the cached token and get a
   * new one. Returns false when refreshing cannot help (static credentials). `rejected` is what
   * `authorize` added to the refused request, so a credential already renewed by a concurrent
   * caller is not renewed twice.
   */
  refresh(rejected?: Readonly<Record<string, string>>): Promise<boolean>;
  /**
   * Secret values this credential currently uses (secrets, tokens), so every message built from
   * upstream text or URLs can mask them. Optional: static redaction patterns apply regardless.
   */
  secrets?(): string[];
}

/** What is known of an answer before its body: for consumers that read the body as a stream. */
export interface ResponseHead {
  status: number;
  headers: Record<string, string>;
  url: string;
  method: HttpRequest['method'];
}

/**
 * Reads a 2xx body as it arrives (raw bytes, still compressed if the server compressed them).
 * Called again from the start when the attempt is retried; an error it throws that is not a
 * transport failure ends the request.
 */
export type BodyConsumer = (head: ResponseHead, body: AsyncIterable<Uint8Array>) => Promise<void>;
