import { describeTemplate } from '../../cli/templates-command.js';
import { runTestButton } from '../../service/test-button.js';
import { openApiDocument } from '../openapi-document.js';
import type { RouteHandlers, ServerContext } from '../server-context.js';

type MiscRoutes = Pick<RouteHandlers, 'health' | 'openapi' | 'templates.list' | 'test'>;

export function miscRoutes(ctx: ServerContext): MiscRoutes {
  const document = openApiDocument();
  return {
    health: () =>
      Promise.resolve({ status: 'ok', store: ctx.store.kind, runs: ctx.runs.activeCount }),
    openapi: () => Promise.resolve(document),
    'templates.list': () => {
      const items = [...ctx.services.templates.values()].map(describeTemplate);
      return Promise.resolve({ items, next_cursor: null });
    },
    test: (input) =>
      runTestButton(input.body, {
        services: ctx.services,
        credentials: ctx.credentials,
        logger: ctx.logger,
      }),
  };
}
