import { hotjarTemplates } from '../connectors/hotjar/template-registry.js';
import { createDestination } from '../destinations/create-destination.js';
import type { Destination } from '../destinations/destination.js';
import { createEngineServices } from '../engine/create-engine-services.js';
import { runFlow, type RunFlowOptions } from '../engine/run-flow.js';
import type { RunSummary } from '../engine/run-summary.js';
import type { FlowConfig } from '../source/schema/flow-schema.js';
import type { CliContext } from './cli-context.js';
import { resolveStoredCredential } from './stored-credential.js';

export interface CliRunOptions {
  flow: FlowConfig;
  dataDir: string;
  cli: CliContext;
  signal?: AbortSignal;
  onProgress?: (summary: RunSummary) => void;
  /** Replaces the flow's destination (the Test button writes nowhere). */
  destination?: Destination;
  test?: RunFlowOptions['test'];
  onExchange?: RunFlowOptions['onExchange'];
}

/** One run with the process's own services, closed afterwards. */
export async function runFlowFromCli(options: CliRunOptions): Promise<RunSummary> {
  const { flow, cli } = options;
  const services = createEngineServices({ logger: cli.logger, templates: hotjarTemplates() });
  const destination =
    options.destination ??
    createDestination(flow.destination, { dataDir: options.dataDir, logger: cli.logger });

  try {
    return await runFlow({
      flow,
      services,
      destination,
      logger: cli.logger,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.test === undefined ? {} : { test: options.test }),
      ...(options.onExchange === undefined ? {} : { onExchange: options.onExchange }),
      resolveCredential: (reference) =>
        resolveStoredCredential(reference, { dataDir: options.dataDir, env: cli.env }),
    });
  } finally {
    await destination.close();
    await services.http.close();
  }
}
