import { readFlowState, resetFlowState } from '../../destinations/flow-state.js';
import { acquireRunLock } from '../../engine/run-lock.js';
import { idOf, type RouteHandlers, type ServerContext } from '../server-context.js';

type FlowStateRoutes = Pick<RouteHandlers, 'flows.state' | 'flows.state_reset'>;

/** A flow's sync state, read from where its destination keeps it (its `_hf_state`, or files). */
export function flowStateRoutes(ctx: ServerContext): FlowStateRoutes {
  const configOf = async (
    id: string,
  ): Promise<ReturnType<ServerContext['flows']['configForRun']>> =>
    ctx.flows.configForRun(await ctx.store.getFlow(id));

  return {
    'flows.state': async (input) => {
      const config = await configOf(idOf(input));
      const partitions = await readFlowState(config.destination, config.name, ctx.dataDir);
      return { flow: config.name, partitions: Object.fromEntries(partitions) };
    },
    'flows.state_reset': async (input) => {
      const config = await configOf(idOf(input));
      // Never under a running pass: it would commit its bookmark afterwards (409 FLOW_LOCKED).
      const release = await acquireRunLock({ dataDir: ctx.dataDir, flow: config.name });
      try {
        await resetFlowState(config.destination, config.name, ctx.dataDir);
      } finally {
        release();
      }
    },
  };
}
