import { describe, expect, test } from 'bun:test';
import { queriesFromDir, queriesFromMap } from './queries.ts';

describe('query loader', () => {
  test('reads queries/ by name, schema files included', () => {
    const q = queriesFromDir();
    expect(q.names()).toContain('series');
    expect(q.names()).toContain('schema/001_init');
    expect(q.get('series')).toContain('time_bucket');
  });
  test('an unknown name is an error that names the file', () => {
    expect(() => queriesFromDir().get('nope')).toThrow('queries/nope.sql');
  });
  test('an injected map replaces the disk', () => {
    const q = queriesFromMap({ b: 'SELECT 2', a: 'SELECT 1' });
    expect(q.names()).toEqual(['a', 'b']);
    expect(q.get('a')).toBe('SELECT 1');
  });
});
