/**
 * The published JSON Schemas (schema/*.schema.json) as the tests hold them: strict, so that every field the
 * JSON carries is declared (objects marked x-open, such as diagnosis rows, excepted). Consumers get them as
 * published: open, because fields are only ever added.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';

const SCHEMA = new URL('../../schema/', import.meta.url);
export const ANALYSIS_SCHEMA = JSON.parse(readFileSync(new URL('analysis.schema.json', SCHEMA), 'utf8')) as Record<string, unknown>;
export const REPORT_SCHEMA = JSON.parse(readFileSync(new URL('report.schema.json', SCHEMA), 'utf8')) as Record<string, unknown>;

type Schema = Record<string, unknown>;

/** Every object schema with properties, not marked x-open, refuses undeclared fields; the root is left to the caller. */
function strict(schema: unknown, root = true): unknown {
  if (Array.isArray(schema)) return schema.map((s) => strict(s, false));
  if (!schema || typeof schema !== 'object') return schema;
  const s = schema as Schema;
  const out: Schema = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === 'properties' || k === '$defs' ? Object.fromEntries(Object.entries(v as Schema).map(([pk, pv]) => [pk, strict(pv, false)])) : strict(v, false)]));
  if (!root && s['properties'] && !s['x-open'] && s['additionalProperties'] === undefined) out['additionalProperties'] = false;
  return out;
}

function compile() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addKeyword('x-open');
  ajv.addSchema({ ...(strict(ANALYSIS_SCHEMA) as Schema), $id: (ANALYSIS_SCHEMA['$id'] as string) });
  const analysis = ajv.compile({ type: 'object', $ref: ANALYSIS_SCHEMA['$id'] as string, unevaluatedProperties: false });
  const report = ajv.compile({ ...(strict(REPORT_SCHEMA) as Schema), unevaluatedProperties: false });
  return { ajv, analysis, report };
}

let compiled: ReturnType<typeof compile> | null = null;

/** Asserts that `json` (parsed) is what the schema of `kind` promises, naming the first fields that are not. */
export function expectContract(json: unknown, kind: 'analysis' | 'report'): void {
  compiled ??= compile();
  const validate = compiled[kind];
  const ok = validate(json);
  expect(ok ? [] : compiled.ajv.errorsText(validate.errors, { separator: '\n' }).split('\n').slice(0, 10)).toEqual([]);
}
