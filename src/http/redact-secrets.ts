/** What replaces a secret in any text we build for logs or errors. */
export const MASK = '***';

/** Query parameter names whose values are masked in every URL we log or put in a message. */
const SECRET_PARAM =
  /^(access_token|refresh_token|id_token|token|client_secret|secret|password|api[-_]?key|key|signature|sig|auth|code)$/i;

/** Secrets shorter than this are not masked by value: masking "a" would garble every message. */
const MIN_SECRET_LENGTH = 3;

/**
 * Masks secrets in free text: every given secret value (raw and URL-encoded), `Bearer …` and
 * `Basic …` credentials, and `access_token=…` / `"client_secret": "…"`-style pairs. Used for every
 * message built from upstream text or URLs.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  const values = secrets
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .flatMap((s) => [s, encodeURIComponent(s)])
    .sort((a, b) => b.length - a.length);
  for (const value of values) out = out.split(value).join(MASK);

  out = out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${MASK}`);
  return out.replace(
    /\b(access_token|refresh_token|id_token|client_secret|api[-_]?key|password|token|secret)(["']?\s*[:=]\s*["']?)([^&\s"',;}]+)/gi,
    `$1$2${MASK}`,
  );
}

/**
 * A URL fit for logs and error messages: user info dropped, values of secret-looking query
 * parameters masked, then every known secret masked. Unparseable input is redacted as text.
 */
export function redactUrl(url: string | URL, secrets: readonly string[] = []): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactSecrets(String(url), secrets);
  }

  parsed.username = '';
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, MASK);
  }
  return redactSecrets(parsed.toString().replaceAll(encodeURIComponent(MASK), MASK), secrets);
}
