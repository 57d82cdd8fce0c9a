import { idOf, pageOf, type RouteHandlers, type ServerContext } from '../server-context.js';

type NotificationRoutes = Pick<
  RouteHandlers,
  'notifications.list' | 'notifications.read' | 'notifications.read_all'
>;

/** The in-app notification list: run failed, run recovered, credential test failed, key expiring. */
export function notificationRoutes(ctx: ServerContext): NotificationRoutes {
  return {
    'notifications.list': (input) =>
      ctx.store.listNotifications({
        ...pageOf(input.query),
        ...(input.query['unread'] === 'true' ? { unread_only: true } : {}),
      }),
    'notifications.read': (input) => ctx.store.markNotificationRead(idOf(input)),
    'notifications.read_all': async () => ({ marked: await ctx.store.markAllNotificationsRead() }),
  };
}
