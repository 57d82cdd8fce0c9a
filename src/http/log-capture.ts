import { createLogger, type Logger } from '../log/logger.js';

/** A debug-level logger whose JSON lines are kept in memory, to check what was logged. */
export function captureLogs(): { logger: Logger; lines: string[]; text: () => string } {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { logger, lines, text: () => lines.join('') };
}
