import { describe, expect, it } from 'vitest';

import { ConfigError } from '../errors/errors.js';
import { parseFlowText } from './load-flow.js';

const valid = `
version: 1
name: survey-responses
source:
  type: hotjar
  credential: { type: hotjar, client_id: "\${HJ_ID}", client_secret: "\${HJ_SECRET}" }
  template: survey_responses
  params: { site_id: 1234567 }
destination: { type: sqlite, path: ./data/x.db, table: survey_responses, write: upsert }
`;

function issuesOf(
  text: string,
  env: NodeJS.ProcessEnv = {},
): { code: string; path: string; message: string }[] {
  try {
    parseFlowText(text, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe('parseFlowText', () => {
  it('substitutes environment variables and keeps $${ literal', () => {
    const flow = parseFlowText(
      valid.replace('survey-responses', 'a').replace('./data/x.db', () => '"$${HOME}/x.db"'),
      { HJ_ID: 'id', HJ_SECRET: 's' },
    );
    expect(flow.source.credential).toEqual({ type: 'hotjar', client_id: 'id', client_secret: 's' });
    expect(flow.destination.path).toBe('${HOME}/x.db');
  });

  it('names a missing environment variable and where it was used', () => {
    expect(issuesOf(valid, { HJ_ID: 'id' })).toEqual([
      {
        code: 'ENV_MISSING',
        path: 'source.credential.client_secret',
        message: 'environment variable HJ_SECRET is not set',
      },
    ]);
  });

  it('names an unknown key with its full path', () => {
    const issues = issuesOf(valid.replace('write: upsert', 'write: upsert, colour: red'), {
      HJ_ID: 'a',
      HJ_SECRET: 'b',
    });
    expect(issues).toContainEqual(
      expect.objectContaining({ code: 'UNKNOWN_KEY', path: 'destination.colour' }),
    );
  });

  it('reports a YAML syntax error with its line', () => {
    const issues = issuesOf('version: 1\nname: [unclosed\n');
    expect(issues[0]?.code).toBe('SYNTAX');
    expect(issues[0]?.message).toMatch(/line/);
  });

  it('accepts JSON as well as YAML', () => {
    const flow = parseFlowText(
      JSON.stringify({
        version: 1,
        name: 'j',
        source: { type: 'rest', request: { url: 'http://127.0.0.1:9/x' } },
        destination: { type: 'jsonl', path: 'out.jsonl' },
      }),
      {},
    );
    expect(flow.source.type).toBe('rest');
  });
});
