import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../errors/errors.js';
import { macroNames } from '../../source/macros.js';
import { loadTemplates } from './template-registry.js';

describe('the shipped Hotjar templates', () => {
  const templates = loadTemplates();

  it('are all valid and include the documented ones', () => {
    expect([...templates.keys()]).toEqual(
      expect.arrayContaining([
        'list_surveys',
        'get_survey',
        'survey_questions',
        'survey_responses',
        'survey_answers',
      ]),
    );
  });

  it('refer only to parameters they declare or bind', () => {
    for (const template of templates.values()) {
      const known = new Set([
        ...Object.keys(template.params),
        ...Object.keys(template.parent?.bind ?? {}),
      ]);
      const used = [
        template.step.request.path,
        template.partition,
        ...Object.values(template.step.request.query).map(String),
      ].flatMap(macroNames);
      for (const name of used) expect(known, `${template.name} uses {${name}}`).toContain(name);
    }
  });

  it('each have a title, a description and a primary key', () => {
    for (const template of templates.values()) {
      expect(template.title.length).toBeGreaterThan(0);
      expect(template.description.length).toBeGreaterThan(0);
      expect(template.primary_key.length).toBeGreaterThan(0);
    }
  });
});

describe('loadTemplates', () => {
  it('rejects a template with an unknown key, naming the file and the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hf-templates-'));
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({
        name: 'bad',
        title: 't',
        description: 'd',
        params: {},
        primary_key: ['id'],
        step: { request: { path: '/x' } },
        colour: 'red',
      }),
    );
    expect(() => loadTemplates(dir)).toThrow(ConfigError);
    expect(() => loadTemplates(dir)).toThrow(/bad\.json.*colour/);
  });
});
