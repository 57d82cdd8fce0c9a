import { StoreNotFoundError } from '../../errors/errors.js';
import type { Page } from '../../store/store.js';
import { toRunView, type RunView } from '../../service/run-view.js';
import {
  callerOf,
  idOf,
  pageOf,
  type RouteHandlers,
  type ServerContext,
} from '../server-context.js';

type FlowRoutes = Pick<
  RouteHandlers,
  | 'flows.list'
  | 'flows.create'
  | 'flows.get'
  | 'flows.replace'
  | 'flows.delete'
  | 'flows.run'
  | 'flows.activate'
  | 'flows.pause'
  | 'flows.runs'
  | 'runs.get'
  | 'runs.logs'
  | 'runs.cancel'
>;

export function flowRoutes(ctx: ServerContext): FlowRoutes {
  const { flows, store, runs } = ctx;
  return {
    'flows.list': (input) => flows.list(pageOf(input.query)),
    'flows.create': (input) => flows.create(callerOf(input).actor, input.body),
    'flows.get': (input) => flows.get(idOf(input)),
    'flows.replace': (input) => flows.replace(callerOf(input).actor, idOf(input), input.body),
    'flows.delete': async (input) => {
      await flows.remove(callerOf(input).actor, idOf(input));
    },
    'flows.run': async (input) => {
      const flow = await store.getFlow(idOf(input));
      const run = await runs.start(flow, 'api');
      await store.appendAudit({
        actor: callerOf(input).actor.name,
        action: 'run',
        entity_type: 'flow',
        entity_id: flow.id,
        after: { run_id: run.id },
      });
      return { run_id: run.id, status: run.status };
    },
    'flows.activate': (input) => flows.setStatus(callerOf(input).actor, idOf(input), 'active'),
    'flows.pause': (input) => flows.setStatus(callerOf(input).actor, idOf(input), 'paused'),
    'flows.runs': async (input): Promise<Page<RunView>> => {
      const flow = await store.getFlow(idOf(input));
      const page = await store.listRunsByFlow(flow.id, pageOf(input.query));
      return {
        items: page.items.map((run) => toRunView(run, flow.name)),
        next_cursor: page.next_cursor,
      };
    },
    'runs.get': async (input) => {
      const run = await store.getRun(idOf(input));
      return toRunView(run, await flowName(ctx, run.flow_id));
    },
    'runs.logs': async (input) => {
      await store.getRun(idOf(input));
      return store.listRunLogs(idOf(input), pageOf(input.query));
    },
    'runs.cancel': async (input) => {
      const run = await runs.cancel(idOf(input));
      await store.appendAudit({
        actor: callerOf(input).actor.name,
        action: 'cancel',
        entity_type: 'run',
        entity_id: run.id,
        after: { status: run.status },
      });
      return toRunView(run, await flowName(ctx, run.flow_id));
    },
  };
}

async function flowName(ctx: ServerContext, flowId: string): Promise<string> {
  try {
    return (await ctx.store.getFlow(flowId)).name;
  } catch (error) {
    if (error instanceof StoreNotFoundError) return '';
    throw error;
  }
}
