import { ConfigError } from '../errors/errors.js';
import type { Logger } from '../log/logger.js';
import { validateFlow } from '../source/load-flow.js';
import type { FlowConfig } from '../source/schema/flow-schema.js';
import { parseSchedule } from '../scheduler/schedule.js';
import { upcomingTicks } from '../scheduler/schedule-ticks.js';
import type { FlowRecord, FlowStatus, Page, PageRequest, Store } from '../store/store.js';
import { StoreNotFoundError } from '../errors/errors.js';
import type { Actor } from './actor.js';
import type { CredentialService } from './credential-service.js';
import { emitHook } from './emit-hook.js';
import type { FilesRoot } from './files-root.js';
import type { ServiceHooks } from './service-hooks.js';

export interface FlowServiceOptions {
  store: Store;
  credentials: CredentialService;
  filesRoot: FilesRoot;
  hooks: ServiceHooks;
  logger: Logger;
  /** The next scheduled times of a flow, when a scheduler runs beside the service. */
  nextRuns?: (flowId: string) => readonly (Date | string)[];
}

/** A flow as the API shows it: the flow file it was saved with, and its status. */
export interface FlowView {
  id: string;
  name: string;
  status: FlowStatus;
  schedule: string | null;
  definition: Record<string, unknown>;
  credential_ids: string[];
  next_runs: string[];
  created_at: string;
  updated_at: string;
}

/**
 * Flows saved through the service: validated as flow files (no `${ENV}` substitution — the
 * service's environment is not the user's), credentials only by stored name or id, destination
 * paths confined to the files root. Every change is audited.
 */
export class FlowService {
  constructor(private readonly options: FlowServiceOptions) {}

  async create(actor: Actor, body: unknown): Promise<FlowView> {
    const { config, credentialIds } = await this.check(body);
    const record = await this.options.store.createFlow({
      name: config.name,
      definition: body as Record<string, unknown>,
      schedule: config.schedule ?? null,
      credential_ids: credentialIds,
    });

    const view = this.view(record);
    await this.audit(actor, 'create', record.id, null, view);
    await emitHook(
      this.options.hooks,
      'flowSaved',
      { flow: record, before: null },
      this.options.logger,
    );
    return view;
  }

  async list(page: PageRequest): Promise<Page<FlowView>> {
    const listed = await this.options.store.listFlows(page);
    return { items: listed.items.map((f) => this.view(f)), next_cursor: listed.next_cursor };
  }

  async get(id: string): Promise<FlowView> {
    return this.view(await this.options.store.getFlow(id));
  }

  /** PUT: the whole flow file replaced; a rename carries the sync state over. */
  async replace(actor: Actor, id: string, body: unknown): Promise<FlowView> {
    const before = await this.options.store.getFlow(id);
    const { config, credentialIds } = await this.check(body);
    const record = await this.options.store.updateFlow(id, {
      name: config.name,
      definition: body as Record<string, unknown>,
      schedule: config.schedule ?? null,
      credential_ids: credentialIds,
    });

    const view = this.view(record);
    await this.audit(actor, 'update', id, this.view(before), view);
    await emitHook(this.options.hooks, 'flowSaved', { flow: record, before }, this.options.logger);
    return view;
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const before = await this.options.store.getFlow(id);
    await this.options.store.deleteFlow(id);
    await this.audit(actor, 'delete', id, this.view(before), null);
    await emitHook(this.options.hooks, 'flowDeleted', { flow: before }, this.options.logger);
  }

  async setStatus(actor: Actor, id: string, status: FlowStatus): Promise<FlowView> {
    const before = await this.options.store.getFlow(id);
    const record = await this.options.store.updateFlow(id, { status });
    const view = this.view(record);
    await this.audit(
      actor,
      status === 'active' ? 'activate' : 'pause',
      id,
      this.view(before),
      view,
    );
    await emitHook(this.options.hooks, 'flowSaved', { flow: record, before }, this.options.logger);
    return view;
  }

  /** The flow file as the engine runs it: destination paths made absolute inside the root. */
  configForRun(record: FlowRecord): FlowConfig {
    const config = validateFlow(record.definition, null);
    const destination = { ...config.destination };
    destination.path = this.options.filesRoot.confine(destination.path, 'destination.path');
    return { ...config, destination };
  }

  private async check(body: unknown): Promise<{ config: FlowConfig; credentialIds: string[] }> {
    const config = validateFlow(body, null);
    this.options.filesRoot.confine(config.destination.path, 'destination.path');
    return { config, credentialIds: await this.credentialIdsOf(config) };
  }

  private async credentialIdsOf(config: FlowConfig): Promise<string[]> {
    const reference = config.source.credential;
    if (typeof reference !== 'string') {
      if (reference.type === 'none') return [];
      throw issue(
        'INLINE_CREDENTIAL',
        'a flow saved through the service names a stored credential (by name or id); store this one with POST /api/credentials first',
      );
    }

    try {
      return [(await this.options.credentials.resolve(reference)).id];
    } catch (error) {
      if (!(error instanceof StoreNotFoundError)) throw error;
      throw issue(
        'CREDENTIAL_UNKNOWN',
        `no stored credential has the name or id ${JSON.stringify(reference)}`,
      );
    }
  }

  private view(record: FlowRecord): FlowView {
    const next = this.options.nextRuns?.(record.id) ?? upcomingRunsOf(record, new Date());
    return {
      id: record.id,
      name: record.name,
      status: record.status,
      schedule: record.schedule,
      definition: record.definition,
      credential_ids: record.credential_ids,
      next_runs: next.map((at) => (typeof at === 'string' ? at : at.toISOString())),
      created_at: record.created_at,
      updated_at: record.updated_at,
    };
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
      entity_type: 'flow',
      entity_id: id,
      before,
      after,
    });
  }
}

function issue(code: string, message: string): ConfigError {
  return new ConfigError([{ code, path: 'source.credential', message }]);
}

/** The next five times an active, scheduled flow will run (none for a paused or bad schedule). */
export function upcomingRunsOf(record: FlowRecord, now: Date): Date[] {
  if (record.status !== 'active' || record.schedule === null || record.schedule === '') return [];
  try {
    const schedule = parseSchedule(record.schedule);
    return upcomingTicks(schedule, { after: now, anchor: new Date(record.created_at), count: 5 });
  } catch {
    return [];
  }
}
