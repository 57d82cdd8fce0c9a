import { randomUUID } from 'node:crypto';

import type { CredentialConfig } from '../auth/credential-config.js';
import { StoreNotFoundError } from '../errors/errors.js';
import type { Logger } from '../log/logger.js';
import type {
  CredentialPatch,
  CredentialRecord,
  CredentialTestResult,
  Page,
  PageRequest,
  Store,
} from '../store/store.js';
import type { CredentialVault } from '../vault/credential-vault.js';
import { isSecretField } from '../vault/secret-fields.js';
import type { Actor } from './actor.js';
import {
  collectIssues,
  parseCredential,
  parseMeta,
  splitCredentialBody,
  type CredentialMeta,
} from './credential-body.js';
import type { CredentialTester, CredentialTestTarget } from './credential-tester.js';
import { credentialFieldsOf, toCredentialView, type CredentialView } from './credential-view.js';
import { emitHook } from './emit-hook.js';
import type { ServiceHooks } from './service-hooks.js';

export interface CredentialServiceOptions {
  store: Store;
  vault: CredentialVault;
  tester: CredentialTester;
  hooks: ServiceHooks;
  logger: Logger;
}

/** A credential with the flows that use it. */
export interface CredentialDetail extends CredentialView {
  flows: { id: string; name: string }[];
}

/**
 * Stored credentials: secrets sealed by the vault before they reach the store, views masked, every
 * change written to the audit trail with masked before/after.
 */
export class CredentialService {
  constructor(private readonly options: CredentialServiceOptions) {}

  async create(actor: Actor, body: unknown): Promise<CredentialView> {
    const { meta, credential } = splitCredentialBody(body);
    let parsedMeta: Partial<CredentialMeta> = {};
    let parsed: Record<string, unknown> = {};
    collectIssues([
      () => (parsedMeta = parseMeta(meta, false)),
      () => (parsed = parseCredential(credential)),
    ]);

    const id = randomUUID();
    const sealed = this.options.vault.seal(id, parsed);
    const record = await this.options.store.createCredential({
      id,
      name: parsedMeta.name ?? '',
      type: String(parsed['type']),
      description: parsedMeta.description ?? null,
      encrypted_secret: sealed.encrypted_secret,
      config: { ...sealed.config, ...placeOf(parsedMeta) },
      key_created_on: parsedMeta.key_created_on ?? null,
    });

    const view = toCredentialView(record);
    await this.audit(actor, 'create', id, null, view);
    return view;
  }

  async list(page: PageRequest): Promise<Page<CredentialView>> {
    const listed = await this.options.store.listCredentials(page);
    return { items: listed.items.map(toCredentialView), next_cursor: listed.next_cursor };
  }

  async get(id: string): Promise<CredentialDetail> {
    const record = await this.options.store.getCredential(id);
    const flows = await this.options.store.flowsUsingCredential(id);
    return { ...toCredentialView(record), flows: flows.map((f) => ({ id: f.id, name: f.name })) };
  }

  /** Renames, describes or rotates: secret fields in the body replace the stored ones in place. */
  async update(actor: Actor, id: string, body: unknown): Promise<CredentialView> {
    const before = await this.options.store.getCredential(id);
    const { meta, credential } = splitCredentialBody(body);
    const patch = this.patchOf(before, meta, credential);

    const after = await this.options.store.updateCredential(id, patch);
    const rotated = Object.keys(credential).some(isSecretField);
    const view = toCredentialView(after);
    await this.audit(actor, rotated ? 'rotate' : 'update', id, toCredentialView(before), view);
    return view;
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const before = await this.options.store.getCredential(id);
    await this.options.store.deleteCredential(id);
    await this.audit(actor, 'delete', id, toCredentialView(before), null);
  }

  /** The Test button: asks the upstream, records the result, tells the hooks. */
  async test(
    actor: Actor,
    id: string,
    target: CredentialTestTarget,
  ): Promise<CredentialTestResult> {
    const record = await this.options.store.getCredential(id);
    const credential = this.decrypt(record);
    const result = await this.options.tester.test(credential, {
      ...placeFromRecord(record),
      ...target,
      keyCreatedOn: record.key_created_on,
    });

    await this.options.store.recordCredentialTest(id, result);
    if (result.status === 'verified') await this.noteFirstUse(record.id);
    await this.audit(actor, 'test', id, null, {
      status: result.status,
      tested_at: result.tested_at,
    });
    await emitHook(
      this.options.hooks,
      'credentialTested',
      { credentialId: id, credentialName: record.name, result },
      this.options.logger,
    );
    return result;
  }

  /**
   * Hotjar keys expire a year after they were made and the API does not say when that was: when
   * nobody told us, the first day the key worked stands in for it, so expiry warnings still come.
   */
  async noteFirstUse(id: string, today: Date = new Date()): Promise<void> {
    const record = await this.options.store.getCredential(id);
    if (record.type !== 'hotjar' || record.key_created_on !== null) return;

    await this.options.store.updateCredential(id, {
      key_created_on: today.toISOString().slice(0, 10),
    });
    this.options.logger.info(
      { credential: record.name },
      'key creation date taken from its first use',
    );
  }

  /** A stored credential by id, else by name (flows may name either). */
  async resolve(reference: string): Promise<CredentialRecord> {
    try {
      return await this.options.store.getCredential(reference);
    } catch (error) {
      if (!(error instanceof StoreNotFoundError)) throw error;
    }
    return this.options.store.getCredentialByName(reference);
  }

  /** The full credential for the engine: plain fields plus the decrypted secrets. */
  decrypt(record: CredentialRecord): CredentialConfig {
    const secrets = this.options.vault.decrypt(record.id, record.encrypted_secret);
    return { ...credentialFieldsOf(record), type: record.type, ...secrets } as CredentialConfig;
  }

  private patchOf(
    before: CredentialRecord,
    meta: Record<string, unknown>,
    credential: Record<string, unknown>,
  ): CredentialPatch {
    let parsedMeta: Partial<CredentialMeta> = {};
    let merged: Record<string, unknown> | undefined;
    collectIssues([
      () => (parsedMeta = parseMeta(meta, true)),
      () => (merged = this.mergedCredential(before, credential)),
    ]);

    const patch: CredentialPatch = {};
    if (parsedMeta.name !== undefined) patch.name = parsedMeta.name;
    if (parsedMeta.description !== undefined) patch.description = parsedMeta.description;
    if (parsedMeta.key_created_on !== undefined) patch.key_created_on = parsedMeta.key_created_on;
    const place = { ...storedPlace(before), ...placeOf(parsedMeta) };

    if (merged === undefined) {
      patch.config = { ...credentialFieldsOf(before), type: before.type, ...place };
      return patch;
    }

    const sealed = this.options.vault.seal(before.id, merged);
    return {
      ...patch,
      type: String(merged['type']),
      encrypted_secret: sealed.encrypted_secret,
      config: { ...sealed.config, ...place },
    };
  }

  /** The stored credential with the body's fields over it; a new type starts from nothing. */
  private mergedCredential(
    before: CredentialRecord,
    fields: Record<string, unknown>,
  ): Record<string, unknown> | undefined {
    if (Object.keys(fields).length === 0) return undefined;

    const sameType = fields['type'] === undefined || fields['type'] === before.type;
    const base = sameType ? { ...this.decrypt(before) } : {};
    const merged: Record<string, unknown> = { ...base, ...fields };
    for (const [key, value] of Object.entries(fields)) if (value === null) delete merged[key];
    return parseCredential(merged);
  }

  private async audit(
    actor: Actor,
    action: string,
    id: string,
    before: unknown,
    after: unknown,
  ): Promise<void> {
    await this.options.store.appendAudit({
      actor: actor.name,
      action,
      entity_type: 'credential',
      entity_id: id,
      before,
      after,
    });
  }
}

/** Where the Test button goes, as kept in the record's plain config. */
function placeOf(meta: Partial<CredentialMeta>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (meta.base_url !== undefined) out['base_url'] = meta.base_url;
  if (meta.site_id !== undefined) out['site_id'] = meta.site_id;
  if (meta.test_url !== undefined) out['test_url'] = meta.test_url;
  return out;
}

function storedPlace(record: CredentialRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['base_url', 'site_id', 'test_url']) {
    if (record.config[key] !== undefined) out[key] = record.config[key];
  }
  return out;
}

function placeFromRecord(record: CredentialRecord): CredentialTestTarget {
  const { config } = record;
  const target: CredentialTestTarget = {};
  if (typeof config['base_url'] === 'string') target.baseUrl = config['base_url'];
  if (typeof config['site_id'] === 'string' || typeof config['site_id'] === 'number')
    target.siteId = String(config['site_id']);
  if (typeof config['test_url'] === 'string') target.testUrl = config['test_url'];
  return target;
}
