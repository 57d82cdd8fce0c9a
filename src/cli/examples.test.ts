import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadFlowFile } from '../source/load-flow.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const env = { HOTJAR_CLIENT_ID: 'id', HOTJAR_CLIENT_SECRET: 'secret', HOTJAR_SITE_ID: '123' };

describe('the shipped examples', () => {
  it.each(readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')))(
    '%s is a valid flow file',
    async (file) => {
      const flow = await loadFlowFile(join(EXAMPLES, file), env);
      expect(flow.name.length).toBeGreaterThan(0);
    },
  );
});
