#!/usr/bin/env node
// The published entry point: the compiled CLI. `npm run build` (or `npm start`) produces dist/.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
