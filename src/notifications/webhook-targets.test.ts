import { describe, expect, it } from 'vitest';

import { ConfigError } from '../errors/errors.js';
import { parseWebhookTargets, webhookTargetsFromEnv } from './webhook-targets.js';

function configError(text: string): ConfigError {
  try {
    parseWebhookTargets(text);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('webhook targets', () => {
  it('reads HOTJAR_FLOW_WEBHOOKS, defaulting the format to json', () => {
    const env = {
      HOTJAR_FLOW_WEBHOOKS: JSON.stringify([
        { url: 'https://hooks.example.com/a', secret: 'sixteen-chars-secret' },
        { url: 'http://127.0.0.1:9000/b', format: 'slack' },
      ]),
    };
    expect(webhookTargetsFromEnv(env)).toEqual([
      { url: 'https://hooks.example.com/a', secret: 'sixteen-chars-secret', format: 'json' },
      { url: 'http://127.0.0.1:9000/b', format: 'slack' },
    ]);
  });

  it('has no webhooks when the variable is unset or blank', () => {
    expect(webhookTargetsFromEnv({})).toEqual([]);
    expect(webhookTargetsFromEnv({ HOTJAR_FLOW_WEBHOOKS: '  ' })).toEqual([]);
  });

  it('names the entry and field at fault, never the secret value', () => {
    const error = configError(
      JSON.stringify([
        { url: 'https://ok.example.com' },
        { url: 'ftp://x.example.com', secret: 'short-one', format: 'xml', extra: 1 },
      ]),
    );
    const paths = error.issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'HOTJAR_FLOW_WEBHOOKS[1].url',
        'HOTJAR_FLOW_WEBHOOKS[1].secret',
        'HOTJAR_FLOW_WEBHOOKS[1].format',
        'HOTJAR_FLOW_WEBHOOKS[1]',
      ]),
    );
    expect(JSON.stringify(error.issues)).not.toContain('short-one');
  });

  it('rejects text that is not JSON', () => {
    expect(configError('[{url:').issues).toEqual([
      { code: 'invalid_json', path: 'HOTJAR_FLOW_WEBHOOKS', message: 'is not valid JSON' },
    ]);
  });
});
