import { describe, expect, it } from 'vitest';

import { ConfigError } from '../errors/errors.js';
import { expandMacros } from './macros.js';

const now = new Date('2026-03-04T05:06:07.890Z');

describe('expandMacros', () => {
  it('replaces parameters and URL-encodes them when asked', () => {
    const url = expandMacros(
      '/v1/sites/{site_id}/surveys/{survey_id}',
      { site_id: '12', survey_id: 'a/b c' },
      { encode: true },
    );
    expect(url).toBe('/v1/sites/12/surveys/a%2Fb%20c');
  });

  it('computes now, relative instants and today with formats', () => {
    expect(expandMacros('{now}', {}, { now })).toBe('2026-03-04T05:06:07.890Z');
    expect(expandMacros('{now-1d}', {}, { now })).toBe('2026-03-03T05:06:07.890Z');
    expect(expandMacros('{now+2h}', {}, { now })).toBe('2026-03-04T07:06:07.890Z');
    expect(expandMacros('{today}', {}, { now })).toBe('2026-03-04');
    expect(expandMacros('{today:%Y%m%d}', {}, { now })).toBe('20260304');
    expect(expandMacros('{now:%s}', {}, { now })).toBe(String(Math.floor(now.getTime() / 1000)));
  });

  it('reaches into objects with dotted names', () => {
    expect(expandMacros('{parent.id}', { parent: { id: 7 } })).toBe('7');
  });

  it('names the unknown macro and where it was', () => {
    let caught: unknown;
    try {
      expandMacros('/x/{missing}', {}, { path: 'request.url' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).issues[0]).toMatchObject({
      path: 'request.url',
      code: 'MACRO_UNKNOWN',
    });
    expect((caught as ConfigError).message).toContain('{missing}');
  });
});
