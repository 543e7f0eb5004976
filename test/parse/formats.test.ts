import { describe, expect, it } from 'vitest';
import { EVENT_PATTERNS } from '../../src/parse/formats/events.js';
import { STOCK_FORMATS } from '../../src/parse/formats/index.js';
import { parseEnvelope } from '../../src/parse/envelope.js';
import { compileLogFormat } from '../../src/parse/log-format.js';
import { parseEvent } from '../../src/parse/parse-event.js';
import { SessionRecord } from '../../src/parse/session-record.js';

// lnav's rule: every sample matches its own format and no other.
const compiled = STOCK_FORMATS.map((f) => compileLogFormat(f.name, f.logFormat));
const rec = new SessionRecord();
function matchingFormats(line: string): string[] {
  const start = parseEnvelope(line).messageStart;
  const names = compiled.filter((c) => {
    rec.reset();
    return c.parse(line, start, rec) === null;
  }).map((c) => c.name);
  const event = parseEvent(line, start) ?? parseEvent(line, 0);
  if (event) names.push(`event:${event.kind}`);
  return names;
}

describe('format samples', () => {
  const cases = [
    ...STOCK_FORMATS.flatMap((f) => f.samples.map((s) => [f.name, s] as const)),
    ...EVENT_PATTERNS.flatMap((p) => p.samples.map((s) => [`event:${p.kind}`, s] as const)),
  ];
  it('every format has at least one sample', () => {
    for (const f of STOCK_FORMATS) expect(f.samples.length, f.name).toBeGreaterThan(0);
  });
  it.each(cases)('%s: %s', (format, sample) => {
    expect(matchingFormats(sample)).toEqual([format]);
  });
});
