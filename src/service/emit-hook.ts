import type { Logger } from '../log/logger.js';
import type { ServiceHooks } from './service-hooks.js';

/** Calls one hook, if set; its failure is logged, never thrown. */
export async function emitHook<K extends keyof ServiceHooks>(
  hooks: ServiceHooks,
  name: K,
  event: Parameters<NonNullable<ServiceHooks[K]>>[0],
  logger: Logger,
): Promise<void> {
  const hook = hooks[name] as ((event: unknown) => void | Promise<void>) | undefined;
  if (hook === undefined) return;

  try {
    await hook.call(hooks, event);
  } catch (error) {
    logger.error({ err: error, hook: name }, 'service hook failed');
  }
}
