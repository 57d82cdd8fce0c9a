import type { PageCache } from './page-cache.js';
import type { Logger } from '../log/logger.js';
import type { ApiReply, ErrorFormat } from './api-reply.js';
import type { CursorCodec } from './cursor-codec.js';
import type { EmulatorClock } from './emulator-clock.js';
import type { EmulatorModel } from './emulator-model.js';
import type { EmulatorStats } from './emulator-stats.js';
import type { FaultInjector } from './fault-injector.js';
import type { SlidingWindowLimiter } from './sliding-window-limiter.js';

/** How the token endpoint shapes a successful answer (test-only variants of the real one). */
export type TokenResponseVariant =
  'standard' | 'expires-in-string' | 'no-expires-in' | 'lowercase-type';

export interface EmulatorSettings {
  errorFormat: ErrorFormat;
  limitMode: 'reject' | 'clamp';
  lookupStatus: 200 | 201 | 202 | 204;
  latencyMs: number;
  tokenTtl: number;
  retryAfter: 'seconds' | 'http-date' | 'omit';
  tokenResponse: TokenResponseVariant;
  bigIds: boolean;
}

/** One call of the user-lookup endpoint, as `GET /__emulator/lookups` lists it. */
export interface LookupEntry {
  at: string;
  organization_id: string;
  status: number;
  body: unknown;
  matched_users: number;
  deleted_responses: number;
}

/** Everything a request handler may read or change; one per emulator instance. */
export interface EmulatorContext {
  settings: EmulatorSettings;
  model: EmulatorModel;
  clock: EmulatorClock;
  cursors: CursorCodec;
  stats: EmulatorStats;
  faults: FaultInjector;
  limiter: SlidingWindowLimiter | null;
  lookups: LookupEntry[];
  logger: Logger;
  /** Finished response pages, reused while their survey is unchanged. */
  pages: PageCache<{ reply: ApiReply; bytes: number }>;
}
