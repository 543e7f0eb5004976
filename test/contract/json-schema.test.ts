/**
 * The JSON contract of `analyze --format json` and `report --format json`: published as JSON Schemas in
 * schema/, every JSON output the tests produce validated against them (expectContract), and its fields only
 * ever added (fields.txt keeps every field ever published, with its type).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ANALYSIS_SCHEMA, REPORT_SCHEMA, expectContract } from '../helpers/contract.js';
import { wsdiagInProcess as wsdiag } from '../helpers/run-cli.js';

type Schema = Record<string, unknown>;

/** `summary.accounting.lines_read: integer` for every declared field, arrays as `[]`. */
export function fieldPaths(schema: Schema, defs: Schema, prefix = ''): string[] {
  const out: string[] = [];
  const resolve = (s: Schema): Schema => (typeof s['$ref'] === 'string' && s['$ref'].startsWith('#/$defs/') ? (defs[s['$ref'].slice(8)] as Schema) : s);
  const typeOf = (s: Schema): string => {
    const r = resolve(s);
    if (r['anyOf']) return (r['anyOf'] as Schema[]).map(typeOf).join('|');
    if (r['enum']) return `enum`;
    if (r['pattern']) return 'iso-time';
    return ([] as unknown[]).concat(r['type'] ?? 'any').join('|');
  };
  for (const [name, raw] of Object.entries((schema['properties'] ?? {}) as Record<string, Schema>)) {
    const s = resolve(raw);
    const path = `${prefix}${name}`;
    out.push(`${path}: ${typeOf(s)}`);
    const objects = [s, ...((s['anyOf'] as Schema[] | undefined) ?? []).map(resolve)];
    for (const o of objects) {
      if (o['properties']) out.push(...fieldPaths(o, defs, `${path}.`));
      if (o['items'] && (o['items'] as Schema)['properties']) out.push(...fieldPaths(o['items'] as Schema, defs, `${path}[].`));
    }
  }
  return out;
}

const SAMPLES = new URL('../../samples/', import.meta.url);

describe('JSON contract', () => {
  it('fields are only ever added: every field ever published is still declared, with its type, and new ones are recorded', () => {
    const current = [
      ...fieldPaths(ANALYSIS_SCHEMA, ANALYSIS_SCHEMA['$defs'] as Schema),
      ...fieldPaths(REPORT_SCHEMA, REPORT_SCHEMA['$defs'] as Schema).map((p) => `report ${p}`),
    ];
    const published = readFileSync(new URL('./fields.txt', import.meta.url), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(published.filter((p) => !current.includes(p)), 'removed or changed (never do that: add a field instead)').toEqual([]);
    expect(current.filter((p) => !published.includes(p)), 'new fields: append them to test/contract/fields.txt').toEqual([]);
  });

  it('the report golden file is a report', () => {
    expectContract(JSON.parse(readFileSync(new URL('../report/golden/ws-httplog.json', import.meta.url), 'utf8')), 'report');
  });

  it('catches what breaks it (a field removed, a time not in ISO 8601 UTC, an undeclared field)', () => {
    const golden = JSON.parse(readFileSync(new URL('../report/golden/ws-httplog.json', import.meta.url), 'utf8'));
    expect(() => expectContract({ ...golden, summary: { ...golden.summary, accounting: undefined } }, 'report')).toThrow();
    expect(() => expectContract({ ...golden, window: { since: '2026-12-02 14:18:38.120', until: null } }, 'report')).toThrow();
    expect(() => expectContract({ ...golden, findings: [{ ...golden.findings[0], surprise: 1 }] }, 'report')).toThrow();
    expect(() => expectContract({ ...golden, findings: [{ ...golden.findings[0], backend: 7 }] }, 'report')).toThrow();
    expect(() => expectContract({ ...golden, surprise: 1 }, 'report')).toThrow();
    const { window: _w, comparison: _c, thresholds: _t, ...analysis } = golden;
    expectContract(analysis, 'analysis');
    expect(() => expectContract({ ...analysis, surprise: 1 }, 'analysis')).toThrow();
    expect(() => expectContract(golden, 'analysis')).toThrow();
  });

  // One of each log format and envelope: httplog, tcplog, clf, custom, events, RFC 5424.
  it.each(['ws-httplog', 'ws-tcplog', 'ws-clf', 'ws-custom-quoted', 'events', 'envelope-rfc5424'])('analyze %s --format json is an analysis', async (name) => {
    const log = new URL(`${name}.log`, SAMPLES).pathname;
    const cfg = new URL(`${name}.cfg`, SAMPLES).pathname;
    const r = await wsdiag('analyze', log, ...(existsSync(cfg) ? ['--config', cfg] : []), '--format', 'json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expectContract(json, 'analysis');
    for (const f of json.findings) expect(Object.keys(f)).toEqual(expect.arrayContaining(['severity', 'title', 'detail', 'advice']));
  });

  it('report --format json with a comparison and thresholds is a report', async () => {
    const r = await wsdiag('report', 'samples/ws-tcplog.log', '--config', 'samples/ws-tcplog.cfg', '--format', 'json', '--compare', '7d', '--fail-on', 'rejects > 0', '--since', '2026-11-22T00:00:00Z');
    expectContract(JSON.parse(r.stdout), 'report');
  });

});
