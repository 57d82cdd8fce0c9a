// Installs dependencies and compiles when needed, so `npm start` and `npm test` work on a fresh
// clone. Plain JavaScript: it must run before anything is installed or built.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

export function ensureBuilt() {
  if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
    process.stderr.write(
      'Installing dependencies (the first time compiles better-sqlite3: ~2 minutes)…\n',
    );
    execSync(existsSync(join(root, 'package-lock.json')) ? 'npm ci' : 'npm install', {
      cwd: root,
      stdio: 'inherit',
    });
  }

  const marker = join(root, 'dist', 'cli', 'main.js');
  const sources = Math.max(
    newestMtime(join(root, 'src')),
    statSync(join(root, 'tsconfig.json')).mtimeMs,
  );
  if (!existsSync(marker) || statSync(marker).mtimeMs < sources) {
    process.stderr.write('Building…\n');
    execSync('npm run build --silent', { cwd: root, stdio: 'inherit' });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureBuilt();
