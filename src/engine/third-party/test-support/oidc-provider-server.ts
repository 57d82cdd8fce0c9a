import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import Provider, { type ClientMetadata, type Configuration } from 'oidc-provider';

/** A client the provider knows, with the secret a flow would be given. */
export interface ProviderClient {
  clientId: string;
  clientSecret: string;
}

/** A client created through dynamic registration, removable through registration management. */
export interface RegisteredClient extends ProviderClient {
  /** Deletes the client at the provider (RFC 7592): its secret stops working at once. */
  remove(): Promise<void>;
}

/** What an introspection (RFC 7662) answer says about a token. */
export interface Introspection {
  active: boolean;
  scope?: string;
  client_id?: string;
}

/** One request to the token endpoint, as the provider's server saw it. */
export interface TokenExchange {
  status: number;
  clientId: string | undefined;
  /** Client authentication in an HTTP Basic header, or in the form body. */
  via: 'basic' | 'body';
}

export interface RunningOidcProvider {
  issuer: string;
  tokenUrl: string;
  /** The scope a client may request, and the protected API requires. */
  scope: string;
  /** Static clients: `client_secret_post` and `client_secret_basic`. */
  postClient: ProviderClient;
  basicClient: ProviderClient;
  /** Every token-endpoint exchange: its answer status, and the client id and where it was sent. */
  tokenRequests: TokenExchange[];
  register(authMethod: 'client_secret_post' | 'client_secret_basic'): Promise<RegisteredClient>;
  /** Revokes an access token at the revocation endpoint (RFC 7009), as the client it was issued to. */
  revoke(token: string, client: ProviderClient): Promise<void>;
  /** Asks the introspection endpoint, authenticated as the resource server's own client. */
  introspect(token: string): Promise<Introspection>;
  close(): Promise<void>;
}

const SCOPE = 'posts:read';

function secret(): string {
  return randomBytes(24).toString('base64url');
}

function clientCredentialsClient(
  id: string,
  authMethod: ClientMetadata['token_endpoint_auth_method'],
): ClientMetadata & { client_secret: string } {
  return {
    client_id: id,
    client_secret: secret(),
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: authMethod,
    scope: SCOPE,
  };
}

/**
 * oidc-provider on 127.0.0.1 and a free port, with its default in-memory storage: the
 * client-credentials grant, opaque access tokens living `accessTokenTtlS` seconds, token
 * introspection for the resource server's client, and dynamic registration with management so a
 * client can be removed while the provider runs.
 */
export async function startOidcProvider(accessTokenTtlS: number): Promise<RunningOidcProvider> {
  const tokenRequests: RunningOidcProvider['tokenRequests'] = [];
  let handle: (request: IncomingMessage, response: ServerResponse) => Promise<void> = () =>
    Promise.resolve();
  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const post = clientCredentialsClient('posts-reader-post', 'client_secret_post');
  const basic = clientCredentialsClient('posts-reader-basic', 'client_secret_basic');
  const resourceServer = { ...clientCredentialsClient('posts-api', 'client_secret_basic') };
  const provider = new Provider(
    issuer,
    providerConfiguration([post, basic, resourceServer], accessTokenTtlS),
  );
  recordTokenExchanges(provider, tokenRequests);
  handle = provider.callback();

  const introspect = (token: string): Promise<Introspection> =>
    introspectAt(issuer, resourceServer, token);
  return {
    issuer,
    tokenUrl: `${issuer}/token`,
    scope: SCOPE,
    postClient: { clientId: post.client_id, clientSecret: post.client_secret },
    basicClient: { clientId: basic.client_id, clientSecret: basic.client_secret },
    tokenRequests,
    register: (authMethod) => registerClient(issuer, authMethod),
    introspect,
    revoke: (token, client) => revokeAt(issuer, client, token),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function providerConfiguration(clients: ClientMetadata[], ttlS: number): Configuration {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    clients,
    scopes: [SCOPE],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), use: 'sig', kid: 'test' }] },
    cookies: { keys: [secret()] },
    ttl: { ClientCredentials: ttlS },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Only the resource server's own client may ask about other clients' tokens.
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx, client) => client.clientId === 'posts-api',
      },
      revocation: { enabled: true },
      registration: { enabled: true },
      registrationManagement: { enabled: true },
      // Plain opaque tokens for the requested scope; no audience-bound resource.
      resourceIndicators: { enabled: false },
    },
  };
}

/** Logs each token-endpoint exchange once the provider has answered it (its own middleware hook). */
function recordTokenExchanges(provider: Provider, log: TokenExchange[]): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token') return;

    const basic = /^Basic\s+(.+)$/i.exec(ctx.get('authorization'))?.[1];
    const basicId =
      Buffer.from(basic ?? '', 'base64')
        .toString('utf8')
        .split(':')[0] ?? '';
    // The provider's context types leave `params` untyped; the token endpoint parses the form.
    const params = (ctx.oidc as { params?: Record<string, unknown> }).params;
    const bodyId = typeof params?.['client_id'] === 'string' ? params['client_id'] : undefined;
    log.push({
      status: ctx.status,
      clientId: basic === undefined ? bodyId : decodeURIComponent(basicId),
      via: basic === undefined ? 'body' : 'basic',
    });
  });
}

async function introspectAt(
  issuer: string,
  client: { client_id: string; client_secret: string },
  token: string,
): Promise<Introspection> {
  const credentials = Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64');
  const response = await fetch(`${issuer}/token/introspection`, {
    method: 'POST',
    headers: { authorization: `Basic ${credentials}` },
    body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
  });
  if (!response.ok) throw new Error(`introspection answered ${response.status}`);
  return (await response.json()) as Introspection;
}

async function revokeAt(issuer: string, client: ProviderClient, token: string): Promise<void> {
  const response = await fetch(`${issuer}/token/revocation`, {
    method: 'POST',
    body: new URLSearchParams({
      token,
      token_type_hint: 'access_token',
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }),
  });
  if (response.status !== 200) throw new Error(`revocation answered ${response.status}`);
}

async function registerClient(
  issuer: string,
  authMethod: 'client_secret_post' | 'client_secret_basic',
): Promise<RegisteredClient> {
  const response = await fetch(`${issuer}/reg`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: authMethod,
      scope: SCOPE,
    }),
  });
  if (response.status !== 201) throw new Error(`registration answered ${response.status}`);
  const body = (await response.json()) as Record<string, string>;

  const manageUrl = body['registration_client_uri'] ?? '';
  const manageToken = body['registration_access_token'] ?? '';
  return {
    clientId: body['client_id'] ?? '',
    clientSecret: body['client_secret'] ?? '',
    remove: async () => {
      const removed = await fetch(manageUrl, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${manageToken}` },
      });
      if (removed.status !== 204) throw new Error(`client removal answered ${removed.status}`);
    },
  };
}
