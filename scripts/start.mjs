// `npm start`: install and build as needed, then run the demo flow (see README).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { ensureBuilt } from './ensure-built.mjs';

ensureBuilt();

const bin = fileURLToPath(new URL('../bin/hotjar-flow.js', import.meta.url));
const result = spawnSync(process.execPath, [bin, 'start', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exitCode = result.status ?? 1;
