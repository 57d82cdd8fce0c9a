import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

import { ConfigError } from '../errors/errors.js';

/**
 * The directory that file and SQLite destinations of flows saved through the service must live
 * in, so an API user cannot write anywhere the service process may. Created when missing.
 */
export class FilesRoot {
  readonly path: string;

  constructor(path: string) {
    mkdirSync(path, { recursive: true });
    this.path = realpathSync(path);
  }

  /**
   * The absolute path `path` names: a relative one inside the root, an absolute one only when it
   * is inside. `..` that leaves the root, and a symbolic link inside the root pointing out of it,
   * are refused with a CONFIG_INVALID issue at `issuePath`.
   */
  confine(path: string, issuePath: string): string {
    const target = resolve(this.path, path);
    if (!this.contains(target) || !this.contains(realAncestor(target))) {
      throw new ConfigError([
        {
          code: 'PATH_OUTSIDE_FILES_ROOT',
          path: issuePath,
          message: `${JSON.stringify(path)} is outside the files root; use a path inside ${this.path} (relative paths resolve inside it)`,
        },
      ]);
    }
    return target;
  }

  private contains(target: string): boolean {
    const rel = relative(this.path, target);
    return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
  }
}

/** The real path of the deepest part of `target` that exists (symbolic links followed). */
function realAncestor(target: string): string {
  let current = target;
  while (!existsSync(current)) {
    const parent = dirname(current);
    if (parent === current) return current;
    current = parent;
  }

  const real = realpathSync(current);
  return resolve(real, relative(current, target));
}
