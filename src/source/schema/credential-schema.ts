import { z } from 'zod';

/**
 * Secret fields are registered here so that UI, logs and exports can mask them by schema instead
 * of by guessing from names.
 */
export const secretFields = new Set(['client_secret', 'token', 'value', 'password']);

const hotjarCredential = z.strictObject({
  type: z.literal('hotjar'),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
});

const oauth2Credential = z.strictObject({
  type: z.literal('oauth2_client_credentials'),
  token_url: z.url(),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  scope: z.string().optional(),
  auth_method: z.enum(['body', 'basic']).default('body'),
  token_params: z.record(z.string(), z.string()).optional(),
});

const bearerCredential = z.strictObject({
  type: z.literal('bearer'),
  token: z.string().min(1),
});

const apiKeyCredential = z.strictObject({
  type: z.literal('api_key'),
  in: z.enum(['header', 'query']),
  name: z.string().min(1),
  value: z.string().min(1),
});

const basicCredential = z.strictObject({
  type: z.literal('basic'),
  username: z.string(),
  password: z.string(),
});

const noCredential = z.strictObject({ type: z.literal('none') });

/** An inline credential in a flow file. */
export const inlineCredentialSchema = z.discriminatedUnion(
  'type',
  [
    hotjarCredential,
    oauth2Credential,
    bearerCredential,
    apiKeyCredential,
    basicCredential,
    noCredential,
  ],
  {
    error:
      "expected a stored credential's name, or an object with type: hotjar, oauth2_client_credentials, bearer, api_key, basic or none",
  },
);

/** A stored credential's name, or an inline credential. */
export const credentialRefSchema = z.union([z.string().min(1), inlineCredentialSchema]);

export type InlineCredential = z.infer<typeof inlineCredentialSchema>;
