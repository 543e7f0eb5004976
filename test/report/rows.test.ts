import { describe, expect, it } from 'vitest';
import { formatRows, STREAMING_ROWS } from '../../src/report/rows.js';
import { formatAnalysis } from '../../src/report/analysis-formats.js';
import { ANALYSIS } from '../ui/fixture.js';

const result = (values: (string | number | null)[]) => ({ columns: ['v'], rows: values.map((v) => ({ v })) });
const cells = (csv: string): string[] => csv.trim().split('\n').slice(1);

describe('CSV', () => {
  it('is exact for machines: termination states and other leading dashes are not touched', () => {
    expect(cells(formatRows.csv(result(['----', '--NI', 'cD--', '-', '-x', '-1ms'])))).toEqual(['----', '--NI', 'cD--', '-', '-x', `"'-1ms"`]);
  });

  it.each([
    ['=1+1', `"'=1+1"`], ['+1', `"'+1"`], ['@SUM(A1)', `"'@SUM(A1)"`], ['\tx', `"'\tx"`], ['-1', `"'-1"`], ['-(1)', `"'-(1)"`], ['-2+3', `"'-2+3"`],
  ])('guards what a spreadsheet would evaluate: %j', (value, cell) => {
    expect(formatRows.csv(result([value]))).toBe(`v\n${cell}\n`);
  });

  it('quotes commas, quotes and line breaks', () => {
    expect(cells(formatRows.csv(result(['a,b', 'say "x"', 'l1\nl2'])))).toEqual(['"a,b"', '"say ""x"""', '"l1', 'l2"']);
  });
});

describe('logged text on a terminal', () => {
  const EVIL = '/ws\u001b]0;pwned\u0007\u009b2J\u202e';
  const rows = result([EVIL]);

  it('CSV and JSON lines to a pipe or file are exact', () => {
    expect(formatRows.csv(rows)).toContain(EVIL);
    expect(JSON.parse(formatRows.jsonl(rows).trim())).toEqual({ v: EVIL });
    expect(formatRows.jsonl(rows)).toContain('\u009b2J\u202e');
  });

  it('CSV and JSON lines to a terminal carry no control character, and JSON parses to the same data', () => {
    const terminal = { terminal: true };
    for (const text of [formatRows.csv(rows, terminal), formatRows.jsonl(rows, terminal), formatRows.json(rows, terminal), STREAMING_ROWS.csv!.rows(rows, terminal), STREAMING_ROWS.jsonl!.rows(rows, terminal)]) {
      // eslint-disable-next-line no-control-regex
      expect(text.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    }
    expect(formatRows.csv(rows, terminal)).toContain('\\x1b]0;pwned\\x07\\x9b2J\\u202e');
    expect(JSON.parse(formatRows.jsonl(rows, terminal).trim())).toEqual({ v: EVIL });
  });

  it('analysis JSON to a terminal escapes too, and parses to the same analysis', () => {
    const evil = { ...ANALYSIS, findings: [{ ...ANALYSIS.findings[0]!, title: EVIL }] };
    const text = formatAnalysis.json(evil, { terminal: true });
    // eslint-disable-next-line no-control-regex
    expect(text.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(JSON.parse(text)).toEqual(JSON.parse(formatAnalysis.json(evil)));
    expect(formatAnalysis.json(evil)).toContain('\u009b2J');
  });
});
