import type { CredentialConfig } from '../auth/credential-config.js';
import { createAuthenticator, HOTJAR_DEFAULT_BASE_URL } from '../auth/create-authenticator.js';
import {
  AuthError,
  ForbiddenError,
  HttpStatusError,
  KeyExpiredError,
  NetworkError,
  RetriesExhaustedError,
} from '../errors/errors.js';
import { HotjarFlowError } from '../errors/hotjar-flow-error.js';
import type { HttpClient } from '../http/http-client.js';
import type { Authenticator } from '../http/http-types.js';
import { redactSecrets } from '../http/redact-secrets.js';
import type { Logger } from '../log/logger.js';
import type { CredentialTestResult } from '../store/store.js';

/** Where a test goes; every field optional (the stored credential's own places fill them in). */
export interface CredentialTestTarget {
  baseUrl?: string;
  siteId?: string;
  testUrl?: string;
  keyCreatedOn?: string | null;
}

export interface CredentialTesterOptions {
  http: HttpClient;
  logger: Logger;
  /** Default: the system clock. */
  now?: () => Date;
}

/** A Hotjar key lives one year from its creation and cannot be extended. */
const KEY_LIFETIME_MS = 365 * 24 * 3600 * 1000;
const TEST_TIMEOUT_MS = 10_000;

/**
 * The credential Test button: gets a token (OAuth kinds) and makes one cheap call where one is
 * known (a Hotjar site's first survey, or the `test_url`). The message says why in words a user
 * acts on: a refused secret, an expired key, a plan without the API (403), an unreachable host.
 */
export class CredentialTester {
  private readonly now: () => Date;

  constructor(private readonly options: CredentialTesterOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async test(
    credential: CredentialConfig,
    target: CredentialTestTarget,
  ): Promise<CredentialTestResult> {
    const testedAt = this.now().toISOString();
    const expired = this.expiredMessage(credential, target);
    if (expired !== null) return { status: 'failed', message: expired, tested_at: testedAt };

    const secrets = secretsOf(credential);
    try {
      const message = await this.probe(credential, target);
      return { status: 'verified', message, tested_at: testedAt };
    } catch (error) {
      const message = redactSecrets(explain(error, target), secrets);
      return { status: 'failed', message, tested_at: testedAt };
    }
  }

  private expiredMessage(
    credential: CredentialConfig,
    target: CredentialTestTarget,
  ): string | null {
    if (credential.type !== 'hotjar' || target.keyCreatedOn == null) return null;

    const expiresAt = Date.parse(`${target.keyCreatedOn}T00:00:00Z`) + KEY_LIFETIME_MS;
    if (this.now().getTime() < expiresAt) return null;
    const day = new Date(expiresAt).toISOString().slice(0, 10);
    return `the API key expired on ${day} (Hotjar keys last one year and cannot be extended); create a new key in Hotjar and rotate this credential`;
  }

  private async probe(credential: CredentialConfig, target: CredentialTestTarget): Promise<string> {
    switch (credential.type) {
      case 'hotjar':
        return this.probeHotjar(credential, target);
      case 'oauth2_client_credentials':
        await this.token(credential, credential.token_url);
        return 'the token endpoint issued a token';
      default:
        return this.probeUrl(credential, target);
    }
  }

  private async probeHotjar(
    credential: CredentialConfig,
    target: CredentialTestTarget,
  ): Promise<string> {
    const baseUrl = (target.baseUrl ?? HOTJAR_DEFAULT_BASE_URL).replace(/\/+$/, '');
    const auth = await this.token(credential, baseUrl);
    if (target.siteId === undefined) {
      return 'Hotjar issued a token; give a site_id to also check that the key may read surveys';
    }

    const site = encodeURIComponent(target.siteId);
    await this.get(`${baseUrl}/v1/sites/${site}/surveys?limit=1`, auth, credential);
    return `Hotjar issued a token and listed the surveys of site ${target.siteId}`;
  }

  private async probeUrl(
    credential: CredentialConfig,
    target: CredentialTestTarget,
  ): Promise<string> {
    if (target.testUrl === undefined) {
      throw new HotjarFlowError(
        'NOTHING_TO_TEST',
        `a ${credential.type} credential is tested against its test_url; set one on the credential`,
      );
    }

    const auth = createAuthenticator(credential, this.authContext(target.testUrl));
    await this.get(target.testUrl, auth, credential);
    return `GET ${new URL(target.testUrl).origin} answered with success`;
  }

  /** A fresh authenticator (no shared token cache, so a rotated secret is really tried). */
  private async token(credential: CredentialConfig, baseUrl: string): Promise<Authenticator> {
    const auth = createAuthenticator(credential, this.authContext(baseUrl));
    await auth.authorize(new URL(baseUrl));
    return auth;
  }

  private authContext(baseUrl: string) {
    return { http: this.options.http, baseUrl, logger: this.options.logger };
  }

  private async get(url: string, auth: Authenticator, credential: CredentialConfig): Promise<void> {
    await this.options.http.send(
      { method: 'GET', url, headers: { accept: 'application/json' } },
      {
        auth,
        timeoutMs: TEST_TIMEOUT_MS,
        retry: { maxAttempts: 2 },
        logger: this.options.logger,
        secrets: secretsOf(credential),
      },
    );
  }
}

function explain(error: unknown, target: CredentialTestTarget): string {
  if (error instanceof KeyExpiredError || error instanceof AuthError) {
    return `the client ID and secret were refused (a wrong secret, or a deleted or expired key): ${error.message}`;
  }
  if (error instanceof ForbiddenError) {
    return `the key is valid but may not read this (403): the organization's plan or the key's scope lacks the API: ${error.message}`;
  }
  if (error instanceof HttpStatusError && error.status === 404 && target.siteId !== undefined) {
    return `site ${target.siteId} is unknown to this key's organization (404)`;
  }
  if (error instanceof NetworkError || error instanceof RetriesExhaustedError) {
    return `the API is unreachable: ${error.message}`;
  }
  if (error instanceof HotjarFlowError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function secretsOf(credential: CredentialConfig): string[] {
  switch (credential.type) {
    case 'hotjar':
    case 'oauth2_client_credentials':
      return [credential.client_secret];
    case 'bearer':
      return [credential.token];
    case 'api_key':
      return [credential.value];
    case 'basic':
      return [credential.password];
    case 'none':
      return [];
  }
}
