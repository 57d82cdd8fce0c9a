/** A credential as a flow file or the credential store holds it (already validated). */
export type CredentialConfig =
  | HotjarCredential
  | OAuth2ClientCredentials
  | BearerCredential
  | ApiKeyCredential
  | BasicCredential
  | NoCredential;

/** A Hotjar API key; its token URL is `{base_url}/v1/oauth/token`. */
export interface HotjarCredential {
  type: 'hotjar';
  client_id: string;
  client_secret: string;
}

/** Any OAuth2 client-credentials grant. */
export interface OAuth2ClientCredentials {
  type: 'oauth2_client_credentials';
  token_url: string;
  client_id: string;
  client_secret: string;
  /** Sent as `scope` when present. */
  scope?: string;
  /** Where the client id and secret go: the form body (default) or HTTP Basic. */
  auth_method?: 'body' | 'basic';
  /** Extra form fields for the token request (e.g. `audience`). */
  token_params?: Record<string, string>;
}

export interface BearerCredential {
  type: 'bearer';
  token: string;
}

export interface ApiKeyCredential {
  type: 'api_key';
  in: 'header' | 'query';
  name: string;
  value: string;
}

export interface BasicCredential {
  type: 'basic';
  username: string;
  password: string;
}

export interface NoCredential {
  type: 'none';
}
