/**
 * A tiny reader for the YAML subset the DataDog pipeline tests are written in (no YAML package is installed
 * and none is added for this): block mappings, block sequences (`- item`, `-` on its own line, sequences
 * indented at or below their key), plain, 'single-quoted' and "double-quoted" scalars, `#` comments.
 * No flow collections, anchors, tags or multi-line scalars: it throws on what it does not understand, so a
 * changed corpus fails loudly instead of being misread.
 *
 * Scalars: plain numbers (including `1.09E8`, which YAML 1.1 loaders such as PyYAML would leave a string) become
 * numbers, `true`/`false`/`null`/`~` their values, everything else stays a string.
 */

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  readonly no: number;
  readonly indent: number;
  readonly text: string;
}

function isDash(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/** Index of the `:` that ends a mapping key (followed by a space or the end), or -1 for a scalar. */
function keyEnd(text: string): number {
  if (text.startsWith('"') || text.startsWith("'")) return -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ':' && (i + 1 === text.length || text[i + 1] === ' ')) return i;
    if (text[i] === ' ' && text[i + 1] === '#') return -1;
  }
  return -1;
}

function scalar(raw: string, no: number): YamlValue {
  const text = raw.trim();
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2) throw new Error(`line ${no}: unterminated single-quoted scalar`);
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (text.startsWith('"')) {
    if (!text.endsWith('"') || text.length < 2) throw new Error(`line ${no}: unterminated double-quoted scalar`);
    // The escapes used here (\" \\ \n \t \uXXXX) are JSON's.
    return JSON.parse(text) as string;
  }
  if (text.startsWith('[') || text.startsWith('{') || text.startsWith('&') || text.startsWith('*') || text.startsWith('!') || text.startsWith('|') || text.startsWith('>')) {
    throw new Error(`line ${no}: unsupported YAML construct: ${text.slice(0, 40)}`);
  }
  const value = text.replace(/\s+#.*$/, '');
  if (value === '' || value === '~' || value === 'null') return null;
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(value)) return Number(value);
  return value;
}

function parseNode(lines: Line[], pos: number, indent: number): [YamlValue, number] {
  const first = lines[pos];
  if (!first || first.indent !== indent) throw new Error(`line ${first?.no ?? 'EOF'}: expected a node at indent ${indent}`);
  return isDash(first.text) ? parseSequence(lines, pos, indent) : parseMapping(lines, pos, indent);
}

function parseSequence(lines: Line[], pos: number, indent: number): [YamlValue[], number] {
  const items: YamlValue[] = [];
  while (pos < lines.length && lines[pos]!.indent === indent && isDash(lines[pos]!.text)) {
    const line = lines[pos]!;
    const rest = line.text.slice(1).trimStart();
    if (rest === '') {
      const next = lines[pos + 1];
      if (!next || next.indent <= indent) {
        items.push(null);
        pos++;
        continue;
      }
      const [value, after] = parseNode(lines, pos + 1, next.indent);
      items.push(value);
      pos = after;
      continue;
    }
    if (keyEnd(rest) < 0) {
      items.push(scalar(rest, line.no));
      pos++;
      continue;
    }
    // `- key: value` opens a mapping whose keys sit at the column of `key`.
    const column = indent + (line.text.length - rest.length);
    lines[pos] = { no: line.no, indent: column, text: rest };
    const [value, after] = parseMapping(lines, pos, column);
    items.push(value);
    pos = after;
  }
  return [items, pos];
}

function parseMapping(lines: Line[], pos: number, indent: number): [{ [key: string]: YamlValue }, number] {
  const map: { [key: string]: YamlValue } = {};
  while (pos < lines.length && lines[pos]!.indent === indent && !isDash(lines[pos]!.text)) {
    const line = lines[pos]!;
    const end = keyEnd(line.text);
    if (end < 0) throw new Error(`line ${line.no}: expected 'key:' in a mapping, got: ${line.text.slice(0, 40)}`);
    const key = line.text.slice(0, end).trim();
    const rest = line.text.slice(end + 1).trim();
    pos++;
    if (rest !== '' && !rest.startsWith('#')) {
      map[key] = scalar(rest, line.no);
      continue;
    }
    const next = lines[pos];
    if (next && (next.indent > indent || (next.indent === indent && isDash(next.text)))) {
      const [value, after] = parseNode(lines, pos, next.indent);
      map[key] = value;
      pos = after;
    } else {
      map[key] = null;
    }
  }
  if (pos < lines.length && lines[pos]!.indent > indent) throw new Error(`line ${lines[pos]!.no}: unexpected indentation`);
  return [map, pos];
}

export function parseYaml(source: string): YamlValue {
  const lines: Line[] = [];
  source.split(/\r?\n/).forEach((raw, i) => {
    if (raw.includes('\t')) throw new Error(`line ${i + 1}: tabs are not supported`);
    const text = raw.trimStart();
    if (text === '' || text.startsWith('#') || text === '---') return;
    lines.push({ no: i + 1, indent: raw.length - text.length, text: text.trimEnd() });
  });
  if (lines.length === 0) return null;
  const [value, end] = parseNode(lines, 0, lines[0]!.indent);
  if (end !== lines.length) throw new Error(`line ${lines[end]!.no}: unexpected content after the document`);
  return value;
}

/** `{a: {b: 1}}` → `{'a.b': 1}`; sequences are kept as values. */
export function flatten(value: YamlValue | unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = value;
  }
  return out;
}
