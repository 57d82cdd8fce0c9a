import type { CredentialConfig } from '../auth/credential-config.js';
import { resolveHotjarSource } from '../connectors/hotjar/resolve-hotjar-source.js';
import type { Template } from '../connectors/hotjar/template-schema.js';
import { ConfigError } from '../errors/errors.js';
import { resolveRestSource } from '../source/resolve-rest-source.js';
import type { FlowConfig } from '../source/schema/flow-schema.js';
import type { SourcePlan } from '../source/source-plan.js';

/** The flow's source as an engine plan, its credential resolved. */
export async function planSource(
  flow: FlowConfig,
  templates: ReadonlyMap<string, Template>,
  resolveCredential?: (name: string) => Promise<CredentialConfig>,
): Promise<SourcePlan> {
  const source = flow.source;
  const credential = await credentialOf(source.credential, resolveCredential);

  if (source.type === 'hotjar') return resolveHotjarSource(source, templates, credential);
  return resolveRestSource(source, credential);
}

async function credentialOf(
  reference: FlowConfig['source']['credential'],
  resolveCredential?: (name: string) => Promise<CredentialConfig>,
): Promise<CredentialConfig> {
  if (typeof reference !== 'string') return reference as CredentialConfig;

  if (resolveCredential === undefined) {
    // Callers that can reach a credential store (the CLI, the service) pass a resolver.
    const message = `stored credential "${reference}" cannot be used here: write the credential inline`;
    throw new ConfigError([{ code: 'CREDENTIAL_UNKNOWN', path: 'source.credential', message }]);
  }
  return resolveCredential(reference);
}
