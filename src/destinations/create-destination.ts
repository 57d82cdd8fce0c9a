import { join, resolve } from 'node:path';

import { ConfigError } from '../errors/errors.js';
import type { Logger } from '../log/logger.js';
import type { Destination, WriteMode } from './destination.js';
import type { DestinationConfig } from './destination-config.js';
import { JsonlDestination } from './jsonl/jsonl-destination.js';
import { SqliteDestination } from './sqlite/sqlite-destination.js';

export interface CreateDestinationOptions {
  /** The data directory; file destinations keep their state in `<dataDir>/state`. */
  dataDir: string;
  logger: Logger;
}

const SUPPORTED_WRITES: Record<DestinationConfig['type'], readonly WriteMode[]> = {
  sqlite: ['append', 'upsert', 'replace'],
  jsonl: ['append', 'replace'],
};

/**
 * Builds the destination a flow file describes. Relative paths are resolved against the current
 * directory; a `write` mode the type does not support is a configuration error.
 */
export function createDestination(
  config: DestinationConfig,
  options: CreateDestinationOptions,
): Destination {
  checkWriteMode(config);

  switch (config.type) {
    case 'sqlite':
      return new SqliteDestination({
        path: resolve(config.path),
        table: config.table,
        logger: options.logger,
      });
    case 'jsonl':
      return new JsonlDestination({
        path: resolve(config.path),
        stateDir: join(resolve(options.dataDir), 'state'),
        logger: options.logger,
      });
  }
}

function checkWriteMode(config: DestinationConfig): void {
  const supported = SUPPORTED_WRITES[config.type];
  if (supported.includes(config.write)) return;

  throw new ConfigError([
    {
      code: 'unsupported_write',
      path: 'destination.write',
      message: `${config.type} supports ${supported.join(', ')}, not ${String(config.write)}`,
    },
  ]);
}
