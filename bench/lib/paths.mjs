// Where things are: the checkout's root, the CLI, the floor script.
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../bin/hotjar-flow.js', import.meta.url));
export const FLOOR = fileURLToPath(new URL('../floor.mjs', import.meta.url));
/** A full or quick run writes latest.json; a run of some scenarios (`--only`) writes partial.json. */
export const RESULTS = fileURLToPath(new URL('../results/latest.json', import.meta.url));
export const PARTIAL_RESULTS = fileURLToPath(new URL('../results/partial.json', import.meta.url));
